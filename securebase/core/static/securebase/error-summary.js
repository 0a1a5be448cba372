/*
 * A form came back with errors: move focus to its error summary (GOV.UK pattern), so the
 * first thing a keyboard or screen-reader user meets is the list of what to fix, and make
 * each link in it focus its field (the browser's own jump would only scroll to it).
 */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
})();

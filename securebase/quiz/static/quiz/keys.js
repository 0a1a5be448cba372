/*
 * Quiz keyboard support and focus handling (progressive enhancement: the page works
 * without this file).
 *
 * - Keys 1 to 5 press the matching answer button, unless a modifier key is held or
 *   the focus is in a text field (so typing, copying the resume link or browser
 *   shortcuts are never hijacked).
 * - After htmx swaps in the next question, focus moves to its heading so screen
 *   readers read the new statement instead of staying on a button that is gone.
 */
(function () {
  "use strict";

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.repeat) return;
    if (event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
    if (isTyping(event.target)) return;
    if (!/^[1-5]$/.test(event.key)) return;
    var quiz = document.getElementById("quiz");
    if (!quiz || quiz.querySelector(".htmx-request")) return;
    var button = quiz.querySelector('.answer-form button[name="value"][value="' + event.key + '"]');
    if (!button) return;
    event.preventDefault();
    button.click();
  });

  document.addEventListener("htmx:afterSwap", function () {
    var heading = document.getElementById("statement");
    if (!heading) return;
    heading.focus({ preventScroll: true });
    var title = heading.getAttribute("data-page-title");
    if (title) document.title = title;
  });
})();

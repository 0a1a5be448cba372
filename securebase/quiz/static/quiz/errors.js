/*
 * When an htmx request of the quiz fails, say so in the page and keep the chosen answer
 * marked (progressive enhancement: without JavaScript the browser shows the server's
 * error page instead, which already explains itself).
 *
 * htmx does not swap 4xx/5xx responses and a network error has no response at all, so
 * without this file a refused click (403 after the security cookie expired, 429 rate
 * limit, 5xx) would silently do nothing. The message goes into the page's #quiz-status
 * live region, so screen readers announce it too. It sits below the answers and sticks to
 * the bottom of the screen (quiz.css) instead of scrolling: nothing moves under the finger
 * that taps the answer again.
 *
 * Also here: the private link's copy button, and a reload when the browser shows the
 * page from its back-forward cache (the answers on it may have changed since).
 */
(function () {
  "use strict";

  var KEPT = " Your earlier answers are kept.";
  var chosen = null;

  function message(status) {
    if (status === 0) {
      return "Your answer was not sent: we could not reach securebase. Check your connection, then choose your answer again." + KEPT;
    }
    if (status === 403) {
      return "Your answer was not saved: this page had expired (a security check failed). Reload the page, then choose your answer again." + KEPT;
    }
    if (status === 404) {
      return "This quiz no longer exists; it may have been deleted. You can start a new one from the quiz page.";
    }
    if (status === 429) {
      return "Your answer was not saved: there were too many tries in a short time. Wait a minute, then choose your answer again." + KEPT;
    }
    return "Your answer was not saved: something went wrong on our side. Please choose your answer again in a moment." + KEPT;
  }

  function show(status) {
    var box = document.getElementById("quiz-status");
    if (!box) return;
    box.textContent = message(status);
    box.hidden = false;
    if (chosen && document.body.contains(chosen)) {
      var buttons = chosen.form ? chosen.form.querySelectorAll('button[name="value"]') : [];
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("aria-pressed", buttons[i] === chosen ? "true" : "false");
      }
      chosen.focus({ preventScroll: true });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest('#quiz .answers button[name="value"]') : null;
    if (button) chosen = button;
  }, true);

  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("quiz-status");
    if (box) { box.hidden = true; box.textContent = ""; }
  });
  document.addEventListener("htmx:responseError", function (event) {
    show(event.detail.xhr ? event.detail.xhr.status : 500);
  });
  document.addEventListener("htmx:sendError", function () { show(0); });
  document.addEventListener("htmx:timeout", function () { show(0); });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.getElementById("quiz")) window.location.reload();
  });

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    if (!field) return;
    function done(ok) {
      if (status) status.textContent = ok ? "Link copied." : "Select the link and copy it by hand.";
    }
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { done(false); });
    } else {
      done(document.execCommand && document.execCommand("copy"));
    }
  }

  function enableCopyButtons() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (button) copy(button);
  });
  document.addEventListener("DOMContentLoaded", enableCopyButtons);
  document.addEventListener("htmx:afterSwap", enableCopyButtons);
})();

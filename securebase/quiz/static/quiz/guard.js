/*
 * An answer counts only for the question the person has seen (progressive enhancement:
 * without JavaScript every answer is a full page load, and the server still checks that
 * the answer is for the question being asked).
 *
 * On a phone, two taps a moment apart on an answer used to answer two questions: the
 * first tap swapped in the next question, and the second landed on the new button under
 * the same finger before the person had read the new statement. So whenever a question
 * appears (the page loads, or htmx swaps in the next one) its answer buttons are disabled
 * for a short moment. A disabled button ignores taps, clicks and the keys 1 to 5 alike
 * (keys.js clicks the button), and it looks the same, so nothing flickers. While a request
 * is on its way, htmx's hx-sync="this:drop" already drops a second submit of the same form.
 */
(function () {
  "use strict";

  // Long enough to cover a double tap (two taps are at most about 300 ms apart) and the
  // time the answer takes to come back; short enough that nobody who reads the statement
  // can answer before it ends.
  var MOMENT_MS = 700;

  function disarm() {
    var quiz = document.getElementById("quiz");
    if (!quiz) return;
    var buttons = quiz.querySelectorAll('.answers button[name="value"]');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    quiz.setAttribute("data-answers", "waiting");
    window.setTimeout(function () {
      for (var j = 0; j < buttons.length; j++) buttons[j].disabled = false;
      if (quiz.isConnected) quiz.setAttribute("data-answers", "ready");
    }, MOMENT_MS);
  }

  // The swap and this handler run in one task, so no tap can reach the new buttons first.
  document.addEventListener("htmx:afterSwap", disarm);
  // A full page load (no htmx, Back, reload): this deferred script runs before the page's
  // load event, as early as a script allowed by the CSP can.
  disarm();
})();

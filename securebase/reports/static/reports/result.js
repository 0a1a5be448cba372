// The result page's actions, enhanced where the browser can do more. Each works as a plain
// link or form without this file: the PDF link downloads, "Share my style" opens the
// public share page, and a message after "Email me my report" is where the page opens.
(function () {
  "use strict";

  // A message that answers what the person just did (report sent, limit reached) takes
  // the focus, so it is seen on a phone and read out by screen readers.
  function focusMessage() {
    var message = document.querySelector("[data-focus]");
    if (message) {
      message.focus();
    }
  }

  // The PDF is fetched here so the button can say it is being made and say when it is
  // ready; anything but a PDF (a limit page, an error) is opened as the plain link would.
  function preparePdf(link) {
    var status = document.querySelector("[data-pdf-status]");
    var label = link.textContent;
    var busy = false;
    link.addEventListener("click", function (event) {
      if (!window.fetch || !window.URL || !URL.createObjectURL) { return; }
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      link.setAttribute("aria-disabled", "true");
      link.classList.add("busy");
      link.textContent = "Preparing your PDF…";
      if (status) { status.textContent = "Making your PDF. This can take a few seconds."; }
      var finish = function (text) {
        busy = false;
        link.removeAttribute("aria-disabled");
        link.classList.remove("busy");
        link.textContent = label;
        if (status) { status.textContent = text; }
      };
      fetch(link.href, { credentials: "same-origin" }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/pdf") !== 0) {
          window.location.href = link.href;
          return null;
        }
        return response.blob();
      }).then(function (blob) {
        if (!blob) { return; }
        var url = URL.createObjectURL(blob);
        var save = document.createElement("a");
        save.href = url;
        save.download = link.getAttribute("download") || "securebase-report.pdf";
        save.hidden = true;
        document.body.appendChild(save);
        save.click();
        document.body.removeChild(save);
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        finish("Your PDF is ready: look in your downloads.");
      }).catch(function () {
        finish("");
        window.location.href = link.href;
      });
    });
  }

  // The device's own share sheet where there is one (the Web Share API); elsewhere the
  // link opens the share page, with a link to copy and a picture to download. Only the
  // public style card is ever shared, never the private result link.
  function share(link) {
    if (!navigator.share) { return; }
    // On the share page itself the button exists only for the share sheet.
    if (link.hasAttribute("data-share-only")) { link.hidden = false; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.share({
        title: link.getAttribute("data-share-title") || document.title,
        text: link.getAttribute("data-share-text") || "",
        url: link.getAttribute("data-share-url") || link.href
      }).catch(function (error) {
        if (error && error.name !== "AbortError" && !link.hasAttribute("data-share-only")) {
          window.location.href = link.href;
        }
      });
    });
  }

  function init() {
    focusMessage();
    var pdf = document.querySelectorAll("a[data-pdf]");
    for (var i = 0; i < pdf.length; i++) { preparePdf(pdf[i]); }
    var shares = document.querySelectorAll("a[data-share-url]");
    for (var j = 0; j < shares.length; j++) { share(shares[j]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// Kindred's only script: quick exit, and focus on the error summary. No inline scripts (CSP).
(function () {
  "use strict";
  function leave(url) {
    // replace() swaps the current history entry, so Back does not return here.
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (link) {
      event.preventDefault();
      leave(link.href);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
})();

// Kindred's only script: quick exit, and focus on the error summary. No inline scripts (CSP).
(function () {
  "use strict";
  // Esc pressed twice within this many milliseconds leaves at once (documented on the "Leave
  // this site safely" page and in the button's description). Long enough for a hurried double
  // press, short enough that two separate presses (closing two things) do not add up.
  var DOUBLE_ESCAPE_MS = 1000;
  var lastEscape = null;

  function leave(url) {
    // replace() swaps the current history entry, so Back does not return here.
    window.location.replace(url);
  }

  function quickExitLink() {
    return document.querySelector("[data-quick-exit]");
  }

  // Something on the page that Esc closes: an open <dialog> or popover. A press that closes it
  // belongs to it, not to Quick exit.
  function somethingOpen() {
    if (document.querySelector("dialog[open]")) {
      return true;
    }
    try {
      return Boolean(document.querySelector(":popover-open"));
    } catch (notSupported) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (link) {
      event.preventDefault();
      leave(link.href);
    }
  });

  // Capture phase: we see the press before a dialog's own handler closes the dialog, so an Esc
  // that closes something is never counted.
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "Escape" && event.key !== "Esc") {
        return;
      }
      var link = quickExitLink();
      // Only where Quick exit is offered (public, participant and sign-in pages). A held key
      // repeats; modifiers mean another shortcut; an open list (a <select>) or anything else Esc
      // closes takes this press for itself, and it starts the count again.
      if (
        !link ||
        event.repeat ||
        event.isComposing ||
        event.altKey ||
        event.ctrlKey ||
        event.metaKey ||
        event.shiftKey ||
        event.defaultPrevented ||
        (event.target && event.target.tagName === "SELECT") ||
        somethingOpen()
      ) {
        lastEscape = null;
        return;
      }
      var now = Date.now();
      if (lastEscape !== null && now - lastEscape <= DOUBLE_ESCAPE_MS) {
        lastEscape = null;
        leave(link.href);
        return;
      }
      lastEscape = now;
    },
    true
  );

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
})();

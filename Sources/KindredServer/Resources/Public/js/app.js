// Kindred's only script. Everything works without it; it adds Quick exit's
// history-replacing jump and keyboard shortcut, the browser's time zone on sign-up,
// and a copy button for invite links.
(function () {
  "use strict";

  // Quick exit: replace this page in history with a neutral one, so Back does not
  // return here. Shift pressed three times within a second does the same.
  function quickExit(href) {
    document.body.hidden = true;
    document.title = "Loading";
    window.location.replace(href);
  }
  var exitLink = document.querySelector("[data-quick-exit]");
  if (exitLink) {
    exitLink.addEventListener("click", function (event) {
      event.preventDefault();
      quickExit(exitLink.href);
    });
    var presses = [];
    document.addEventListener("keydown", function (event) {
      // Only Shift on its own counts: Shift held for a capital or "@" resets the count,
      // so typing never jumps away from a half-written form.
      if (event.key !== "Shift") { presses = []; return; }
      if (event.repeat) return;
      var now = Date.now();
      presses = presses.filter(function (t) { return now - t < 1000; });
      presses.push(now);
      if (presses.length >= 3) quickExit(exitLink.href);
    });
  }

  // Sign-up: preselect the browser's time zone when the list has it.
  var zone = document.querySelector("select[data-browser-time-zone]");
  if (zone && !zone.hasAttribute("data-chosen") && window.Intl && Intl.DateTimeFormat) {
    var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (browserZone && zone.querySelector('option[value="' + browserZone.replace(/"/g, "") + '"]')) {
      zone.value = browserZone;
    }
  }

  // Invite links: a copy button, shown only when the clipboard is available.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value).then(function () {
        var status = document.getElementById(button.getAttribute("data-copy-status"));
        if (status) status.textContent = "Copied. Paste it into a message to them.";
      });
    });
  });

  // The four-minute exercise: a quiet countdown, started by the two of them.
  document.querySelectorAll("[data-timer-minutes]").forEach(function (timer) {
    var minutes = parseInt(timer.getAttribute("data-timer-minutes"), 10) || 4;
    var display = timer.querySelector(".timer-display");
    var start = timer.querySelector("[data-timer-start]");
    var fallback = timer.querySelector(".timer-fallback");
    if (!display || !start) return;
    start.hidden = false;
    if (fallback) fallback.hidden = true;
    start.addEventListener("click", function () {
      var ends = Date.now() + minutes * 60000;
      start.hidden = true;
      var tick = function () {
        var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
        display.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
        if (left > 0) { window.setTimeout(tick, 250); } else { display.textContent = "Time's up — take your time coming back."; }
      };
      tick();
    });
  });
})();

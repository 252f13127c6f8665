// Kindred's only script. Everything works without it; it adds Quick exit's
// history-replacing jump and keyboard shortcut, the browser's time zone on sign-up,
// copying and sharing invite links, the service worker, and notifications on this device.
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

  // A professional's summary: a print button where the browser can print.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    if (typeof window.print !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Signing out stops this browser's notifications: on a shared device, nobody's notices keep
  // appearing for the next person. (The push service then tells Kindred the device is gone.)
  document.querySelectorAll('form[action="/sign-out"]').forEach(function (form) {
    if (!("serviceWorker" in navigator)) return;
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-unsubscribed")) return;
      event.preventDefault();
      var gone = false;
      var go = function () {
        if (gone) return;
        gone = true;
        form.setAttribute("data-unsubscribed", "1");
        form.submit();
      };
      window.setTimeout(go, 1500);
      navigator.serviceWorker.getRegistration().then(function (registration) {
        return registration && registration.pushManager.getSubscription();
      }).then(function (subscription) {
        return subscription && subscription.unsubscribe();
      }).then(go, go);
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

  // Invite links: Share where the device offers it (with the person's own words), otherwise
  // copy the message and the link together.
  document.querySelectorAll("[data-share-message]").forEach(function (button) {
    var message = document.getElementById(button.getAttribute("data-share-message"));
    var status = document.getElementById(button.getAttribute("data-share-status"));
    if (!message || typeof navigator.share !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({
        title: button.getAttribute("data-share-title") || "Kindred",
        text: message.value.trim(),
        url: button.getAttribute("data-share-url")
      }).then(function () {
        if (status) status.textContent = "Shared. They can join with the link once.";
      }).catch(function (error) {
        if (error && error.name === "AbortError") return;
        if (status) status.textContent = "Sharing didn't work here. Copy the link instead.";
      });
    });
  });
  document.querySelectorAll("[data-copy-message]").forEach(function (button) {
    var message = document.getElementById(button.getAttribute("data-copy-message"));
    var status = document.getElementById(button.getAttribute("data-share-status"));
    if (!message || typeof navigator.share === "function" || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = message.value.trim();
      var url = button.getAttribute("data-share-url");
      navigator.clipboard.writeText(text ? text + "\n\n" + url : url).then(function () {
        if (status) status.textContent = "Copied your message and the link. Paste them into a message to them.";
      });
    });
  });

  // The service worker shows notifications; it caches nothing. Registered quietly.
  var canUseWorker = "serviceWorker" in navigator && window.isSecureContext;
  if (canUseWorker) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }

  // Reminders: a typed time means "every day at this time".
  var dailyTime = document.querySelector("[data-daily-time]");
  var dailyAt = document.getElementById("daily-at");
  if (dailyTime && dailyAt) {
    dailyTime.addEventListener("input", function () { if (dailyTime.value) dailyAt.checked = true; });
  }

  // Reminders: ticking "as a notification" asks the browser, subscribes this device and
  // tells the server, which then lists it.
  var pushToggle = document.querySelector("[data-push-toggle]");
  var pushStatus = document.querySelector("[data-push-status]");
  if (pushToggle && pushStatus) {
    var say = function (text) { pushStatus.textContent = text; };
    var supported = canUseWorker && "PushManager" in window && "Notification" in window;
    var unsupportedText = "Notifications aren't supported in this browser, so this device can't get them." +
      (document.getElementById("email") && !document.getElementById("email").disabled ? " Email still works." : "");
    var deniedText = "Notifications are blocked for this site in this browser. To use them, allow them in the browser's site settings, then tick the box again.";
    // With no device set up anywhere, a ticked box would reach nobody: untick it after a failure.
    var noDevices = pushToggle.getAttribute("data-push-devices") === "0";
    var failed = function (text) {
      say(text);
      if (noDevices) pushToggle.checked = false;
    };
    var keyBytes = function (base64url) {
      var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
      while (base64.length % 4) base64 += "=";
      var raw = window.atob(base64);
      var bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      return bytes;
    };
    var setUp = function () {
      if (!supported) { failed(unsupportedText); return; }
      if (Notification.permission === "denied") { failed(deniedText); return; }
      say("Your browser will ask whether Kindred may show notifications…");
      Promise.resolve(Notification.requestPermission()).then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        say("Setting up this device…");
        return navigator.serviceWorker.register("/sw.js").then(function () { return navigator.serviceWorker.ready; });
      }).then(function (registration) {
        var subscribing = registration.pushManager.getSubscription().then(function (existing) {
          return existing || registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(pushToggle.getAttribute("data-push-key"))
          });
        });
        // The browser's push service may never answer (offline, or none at all): stop waiting.
        var giveUp = new Promise(function (resolve, reject) {
          window.setTimeout(function () { reject(new Error("timeout")); }, 20000);
        });
        return Promise.race([subscribing, giveUp]);
      }).then(function (subscription) {
        var json = subscription.toJSON();
        var csrf = pushToggle.form && pushToggle.form.querySelector('input[name="csrf"]');
        return fetch(pushToggle.getAttribute("data-push-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json" },
          body: JSON.stringify({
            csrf: csrf ? csrf.value : "",
            endpoint: json.endpoint,
            keys: { p256dh: json.keys && json.keys.p256dh, auth: json.keys && json.keys.auth }
          })
        });
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            noDevices = false;
            pushToggle.checked = true;
            say(body.message || "This device is set up for notifications. Save your choices to start getting them.");
          } else {
            failed(body.message || "This device couldn't be set up for notifications. Reload the page and try again.");
          }
        });
      }).catch(function (error) {
        if (error && error.message === "denied") {
          failed("You didn't allow notifications, so this device won't get them. You can change that in the browser's site settings.");
        } else if (error && error.message === "timeout") {
          failed("This browser's notification service didn't answer, so this device isn't set up. Try again later, or use email.");
        } else {
          failed("This device couldn't be set up for notifications. Reload the page and try again, or use email.");
        }
      });
    };
    if (!supported) {
      say(unsupportedText);
    } else if (Notification.permission === "denied") {
      say(deniedText);
    } else {
      say("Ticking the box sets up this device — your browser will ask first. To add another phone or computer, open this page there.");
    }
    pushToggle.addEventListener("change", function () {
      if (pushToggle.checked) setUp();
    });
    var setUpButton = document.querySelector("[data-push-setup]");
    // Where notifications are blocked, a set-up button would only fail: the text says what to do.
    if (setUpButton && supported && Notification.permission !== "denied") {
      setUpButton.hidden = false;
      setUpButton.addEventListener("click", setUp);
    }
  }
})();

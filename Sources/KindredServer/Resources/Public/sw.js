// Kindred's service worker. It only shows notifications and opens Kindred when one is
// tapped. It caches nothing: no copy of a private page is ever kept for offline use.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// Only a path on this site may be opened from a notification.
function sameOriginURL(url) {
  try {
    var resolved = new URL(url || "/", self.location.origin);
    return resolved.origin === self.location.origin ? resolved.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("push", function (event) {
  var payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch (error) {
    payload = {};
  }
  // Whatever arrives, the words stay neutral unless the server chose names for this person.
  var title = typeof payload.title === "string" && payload.title ? payload.title : "Something new is waiting";
  event.waitUntil(self.registration.showNotification(title, {
    body: typeof payload.body === "string" ? payload.body : "",
    tag: typeof payload.tag === "string" && payload.tag ? payload.tag : "kindred",
    data: { url: sameOriginURL(payload.url) },
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = sameOriginURL(event.notification.data && event.notification.data.url);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow ? self.clients.openWindow(url) : undefined;
  }));
});

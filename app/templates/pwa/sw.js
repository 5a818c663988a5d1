// Anju service worker. It caches the app shell, and keeps the public part of a card page
// the phone has opened (marked X-Card-Offline by the server) as an offline copy. Pages
// with personal data are sent with Cache-Control: no-store and never kept.
const SHELL_CACHE = "anju-shell-{{ version }}";
const CARD_CACHE = "anju-cards-1";
const SHELL = {{ shell|tojson }};
const OFFLINE = {{ offline|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("anju-shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isCardPage(url) {
  return /^\/[cC]\/[^/]+$/.test(url.pathname);
}

async function offlineCopy(request) {
  const cached = await caches.match(request, { cacheName: CARD_CACHE });
  if (!cached) return caches.match(OFFLINE);
  const when = new Date(cached.headers.get("Date") || Date.now()).toLocaleString();
  const html = (await cached.text()).replace(/<!--offline-banner:(.*?)-->/, (_, label) =>
    '<p class="offline-note" role="status">' + label + " " + when + "</p>");
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function cardPage(request) {
  try {
    const response = await fetch(request);
    const cache = await caches.open(CARD_CACHE);
    if (response.ok && response.headers.get("X-Card-Offline") === "1") {
      await cache.put(request, response.clone());
    } else if (response.status === 404 || response.status === 410) {
      await cache.delete(request);  // a revoked card is not kept
    }
    return response;
  } catch (error) {
    return offlineCopy(request);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isCardPage(url)) {
    event.respondWith(cardPage(request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

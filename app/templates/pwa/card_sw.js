// The card pages' own service worker (scope /c/ or /C/, registered by card.js). It keeps the
// public part of a card page the phone has opened (marked X-Card-Offline by the server) as an
// offline copy, and the three small files that page uses. Nothing of the staff app: a migrant's
// phone downloads only what its card needs. Unlocked pages (no-store) are never kept.
const CACHE = "anju-card-{{ version }}";
const PAGES = "anju-cards-1";
const ASSETS = {{ assets|tojson }};
const NO_COPY = {{ no_copy|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("anju-card-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isCardPage(url) {
  return /^\/[cC]\/[^/]+$/.test(url.pathname);
}

// Keep the page's public copy; forget a card that was revoked or is unknown.
async function keep(request, response) {
  const cache = await caches.open(PAGES);
  if (response.ok && response.headers.get("X-Card-Offline") === "1") {
    await cache.put(request, response);
  } else if (response.status === 404 || response.status === 410) {
    await cache.delete(request);
  }
}

async function offlineCopy(request) {
  const cached = await caches.match(request, { cacheName: PAGES });
  if (!cached) {
    return new Response(NO_COPY, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  const when = new Date(cached.headers.get("Date") || Date.now()).toLocaleString();
  const html = (await cached.text()).replace(/<!--offline-banner:(.*?)-->/, (_, label) =>
    '<p class="offline-note" role="status">' + label + " " + when + "</p>");
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function cardPage(request) {
  try {
    const response = await fetch(request);
    await keep(request, response.clone());
    return response;
  } catch (error) {
    return offlineCopy(request);
  }
}

// The first visit happens before this worker controls the page: the page sends its own
// address once the worker is active, and the public copy is kept from that visit on.
self.addEventListener("message", (event) => {
  const url = new URL(String((event.data || {}).keep || ""), self.location.origin);
  if (url.origin !== self.location.origin || !isCardPage(url)) return;
  const request = new Request(url.href, { credentials: "same-origin" });
  event.waitUntil(fetch(request).then((response) => keep(request, response)).catch(() => {}));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isCardPage(url)) {
    event.respondWith(cardPage(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// Anju's staff service worker. It caches the app shell, and keeps the copies of the pages a
// coordinator uses without a signal (the server marks them X-Offline-Page: the work list, the
// registration form, the sweep, move and departure forms; static/js/offline.js). Signing out
// clears those (Clear-Site-Data). Card pages have their own worker (card-sw.js), so a migrant's
// phone never downloads this shell.
const SHELL_CACHE = "anju-shell-{{ version }}";
const SHELL = {{ shell|tojson }};
const OFFLINE = {{ offline|tojson }};
const PAGES = "anju-pages";
const TEXTS = {{ texts|tojson }};

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

// Network first; without a network the kept copy (the same page for another grid or dwelling
// if this one was never kept), else the offline page.
async function page(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.headers.get("X-Offline-Page") === "1") {
      const cache = await caches.open(PAGES);
      await cache.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    return (await cache.match(request.url)) || (await cache.match(request.url, { ignoreSearch: true }))
      || (await anotherPersonsForm(cache, new URL(request.url))) || caches.match(OFFLINE);
  }
}

// A move or departure form of someone whose form was never opened: another person's kept
// form, which offline.js turns into this person's (name and version from the phone's data).
async function anotherPersonsForm(cache, url) {
  const kind = /^\/grid\/people\/\d+\/(move|depart)$/.exec(url.pathname);
  if (!kind) return null;
  const kept = (await cache.keys()).find((r) => new URL(r.url).pathname.endsWith("/" + kind[1]));
  return kept ? cache.match(kept) : null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (url.pathname === TEXTS) {  // the offline bar's texts: versioned URL, kept once fetched
    event.respondWith(caches.open(SHELL_CACHE).then((cache) => cache.match(request).then((hit) =>
      hit || fetch(request).then((response) => (response.ok && cache.put(request, response.clone()), response)))));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

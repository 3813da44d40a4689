// Raja Kemas service worker: public pages keep working on a weak or absent signal.
// Served at /sw.js by the app, which fills in VERSION and PRECACHE (the offline page and
// the assets it links); this file stays valid JavaScript as it is.
const VERSION = 'dev';
const PRECACHE = ['/offline'];

const STATIC_CACHE = 'rk-static-' + VERSION;
const PAGE_CACHE = 'rk-pages';  // survives updates: visited pages stay readable offline
const MAX_PAGES = 20;
const PRIVATE = ['/admin', '/masuk', '/keluar', '/siapkan'];

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) { return cache.addAll(PRECACHE); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.startsWith('rk-static-') && name !== STATIC_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isPrivate(path) {
  return PRIVATE.some(function (prefix) { return path === prefix || path.startsWith(prefix + '/'); });
}

// Keep only the newest MAX_PAGES pages; keys() lists them oldest first.
function trim(cache) {
  return cache.keys().then(function (keys) {
    return Promise.all(keys.slice(0, Math.max(keys.length - MAX_PAGES, 0))
      .map(function (key) { return cache.delete(key); }));
  });
}

// Remember a good page, forget one that is gone; returns the promise of that work.
function remember(request, response) {
  return caches.open(PAGE_CACHE).then(function (cache) {
    const control = response.headers.get('Cache-Control') || '';
    if (response.ok && response.type === 'basic' && !/no-store|private/.test(control)) {
      // Delete first, so put() moves a revisited page to the newest end.
      return cache.delete(request).then(function () { return cache.put(request, response); })
        .then(function () { return trim(cache); });
    }
    if (response.status === 404 || response.status === 410) {
      // The listing was unpublished: it must not live on in the offline copy.
      return cache.delete(request);
    }
  });
}

function networkFirstPage(event) {
  const request = event.request;
  return fetch(request).then(function (response) {
    event.waitUntil(remember(request, response.clone()));
    return response;
  }).catch(function () {
    return caches.open(PAGE_CACHE)
      .then(function (cache) { return cache.match(request); })
      .then(function (cached) {
        return cached || caches.match('/offline', { cacheName: STATIC_CACHE });
      });
  });
}

function cacheFirstAsset(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      return cached || fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isPrivate(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirstPage(event));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(cacheFirstAsset(request));
  }
  // Everything else (search fragments, photos, the kiosk panel) goes to the network
  // untouched: photos of an unpublished listing must not survive in a cache.
});

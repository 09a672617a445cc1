// Cartero's service worker: keeps the app shell so the app opens with no network.
// Mail itself lives in IndexedDB; this only caches the page, script, wasm and styles.
const CACHE = 'cartero-shell-v2';
const NETWORK_GRACE_MS = 3000;
// The sync worker's files keep their names across builds (the page starts the worker by
// name), so they are fetched network first, like the page, and cached for offline starts.
const WORKER_FILES = ['/cartero-worker_loader.js', '/cartero-worker.js', '/cartero-worker_bg.wasm'];

// Same-origin asset paths named in the page (Trunk hashes their names).
function assetsOf(html) {
  const found = new Set();
  for (const m of html.matchAll(/["'](\/[^"'?#]+\.(?:js|wasm|css|png|svg|ico|webmanifest))["']/g)) {
    found.add(m[1]);
  }
  return [...found];
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch('/', { cache: 'no-store' });
    await cache.put('/', page.clone());
    await cache.addAll([...assetsOf(await page.text()), ...WORKER_FILES]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// Network first for the page and the worker's files (a new version arrives when online),
// but not for long: on a weak link the cached copy opens after a short wait.
async function fresh(request, key, refreshed) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then((response) => {
    if (response.ok) {
      cache.put(key, response.clone());
      if (refreshed) refreshed(response.clone(), cache);
    }
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_GRACE_MS));
  const first = await Promise.race([network.catch(() => null), timeout]);
  if (first) return first;
  const cached = await cache.match(key);
  return cached || network;
}

function page(request) {
  return fresh(request, '/', (response, cache) => {
    response.text().then((html) => cache.addAll(assetsOf(html))).catch(() => {});
  });
}

// Hashed assets never change: cache first.
async function asset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname === '/pop3' || url.pathname.endsWith('.json')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (WORKER_FILES.includes(url.pathname)) {
    event.respondWith(fresh(request, url.pathname));
  } else {
    event.respondWith(asset(request));
  }
});

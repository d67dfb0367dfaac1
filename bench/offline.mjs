// The installable, offline app (issue 15), measured in Debian's chromium:
//  1. First-visit bytes: a person's first visit to /today with a cold cache, everything the
//     browser transfers until the service worker has kept what /offline.json lists (the
//     page and its scripts, the worker itself, the list, and the precache: the shell,
//     today's pages and the pictures of today's exercises). Counted from the browser's
//     network events (the page's and the service worker's: playwright's request events
//     with PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS=1), bytes on the wire (headers
//     and encoded body). Target: under 100 KB.
//  2. First contentful paint of Today reloaded online (network first: the server's page)
//     against reloaded offline (context.setOffline(true): the kept copy), after one visit,
//     on a desktop and on a 360 px phone with the CPU slowed 4x. RUNS fresh contexts each,
//     taken in turns; medians.
// usage: node bench/offline.mjs POSTURA SOURCE_DIR [RUNS]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';
const { launch, playwright, serve } = await import('../tests/e2e/lib.mjs');

const [postura, srcArg, runsArg] = process.argv.slice(2);
const src = resolve(srcArg);
const pw = playwright(src);
const RUNS = Number(runsArg || 7);
const VIEWS = {
  desktop: { ctx: { viewport: { width: 1280, height: 860 } }, cpu: 1 },
  'mobile 360px, 4x CPU': { ctx: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, cpu: 4 },
};
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, '+00:00');

async function until(page, fn) {
  const end = Date.now() + 60000;
  for (;;) {
    if (await page.evaluate(fn).catch(() => false)) return;
    if (Date.now() > end) throw new Error('timed out waiting for the service worker to keep its list');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const keptAll = async () => {
  if (!navigator.serviceWorker.controller) return false;
  const c = await caches.open('postura-v1');
  if (!(await c.match('/offline.json?kept'))) return false;
  const list = await (await fetch('/offline.json', { cache: 'no-store' })).json();
  const hits = await Promise.all(list.shell.concat(list.pages, list.pictures).map((u) => c.match(u)));
  return hits.every(Boolean);
};

async function fcp(page) {
  return page.evaluate(() => new Promise((res) => {
    const e = performance.getEntriesByName('first-contentful-paint')[0];
    if (e) return res(e.startTime);
    new PerformanceObserver((l) => res(l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
  }));
}

async function run(browser, url, view) {
  const ctx = await browser.newContext(VIEWS[view].ctx);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  if (VIEWS[view].cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: VIEWS[view].cpu });
  const seen = [];
  ctx.on('requestfinished', (rq) => seen.push(rq));
  await page.goto(url + '/today', { waitUntil: 'load' });
  await until(page, keptAll);
  // The wait itself fetched /offline.json from the page: not part of a visit.
  let bytes = 0, sw = 0, n = 0;
  for (const rq of seen) {
    if (!rq.serviceWorker() && rq.url().endsWith('/offline.json')) continue;
    const resp = await rq.response().catch(() => null);
    if (resp && resp.fromServiceWorker()) continue; /* answered from the cache: no bytes */
    const s = await rq.sizes().catch(() => null);
    if (!s) continue;
    const b = s.responseHeadersSize + s.responseBodySize;
    bytes += b;
    n++;
    if (rq.serviceWorker()) sw += b;
  }
  // Reloads: online, then offline (the same worker, the same cache).
  await page.reload({ waitUntil: 'load' });
  const online = await fcp(page);
  await ctx.setOffline(true);
  await page.reload({ waitUntil: 'load' });
  const offline = await fcp(page);
  const ok = /Your routine today/.test(await page.locator('main').textContent());
  await ctx.close();
  if (!ok) throw new Error('the offline reload did not show Today');
  return { bytes, sw, n, online, offline };
}

const srv = await serve(resolve(postura), nowIso());
const api = async (method, path, body) => fetch(srv.url + path, { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
await api('PUT', '/api/v1/profile', { pregnant_weeks: 24, pain: 4, areas: ['upper', 'mid'], triggers: ['desk', 'sleep'], minutes: 10 });
await api('POST', '/api/v1/screen?stage=pregnancy', JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))));
const browser = await launch(pw);
const results = {};
try {
  for (let i = 0; i < RUNS; i++)
    for (const view of Object.keys(VIEWS)) (results[view] ||= []).push(await run(browser, srv.url, view));
} finally {
  await browser.close();
  await srv.stop();
}
console.log(`Profile: 24 weeks pregnant, 10 minutes (the bench's usual); ${RUNS} runs, medians.\n`);
console.log('| view | first visit, all bytes | of which the service worker | requests | FCP reload online | FCP reload offline |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [view, r] of Object.entries(results)) {
  console.log(`| ${view} | ${(median(r.map((x) => x.bytes)) / 1024).toFixed(1)} KB | ${(median(r.map((x) => x.sw)) / 1024).toFixed(1)} KB | ${median(r.map((x) => x.n))} | ${median(r.map((x) => x.online)).toFixed(0)} ms | ${median(r.map((x) => x.offline)).toFixed(0)} ms |`);
}

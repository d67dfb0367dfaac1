// The installable, offline app (issue 15) in Debian's chromium through playwright-core:
//  1. the manifest passes Chromium's installability check (the CDP call
//     Page.getInstallabilityErrors returns none, on the loopback origin);
//  2. after one visit the network goes off (context.setOffline(true)): Today and the
//     session player reload from the service worker's cache, with the pictures and the
//     movements (kept on the first visit, shown from the cache offline); a whole
//     session is done and saved offline, the page says it waits to be sent; back online it
//     is sent, the page says so, and History shows it exactly once;
//  3. a check-in made offline is sent once when the network is back, even when the
//     outbox is told to send twice;
//  4. the stop signs and the emergency numbers work offline.
// usage: node offline.mjs POSTURA SOURCE_DIR
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, STEP_MS, launch, playwright, requireChromium, serve } from './lib.mjs';

const postura = resolve(process.argv[2]);
const src = resolve(process.argv[3]);
requireChromium();
const pw = playwright(src);
const shots = join(src, 'tests', 'e2e', 'screenshots');
mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0;
function check(name, cond, detail = '') {
  if (cond) { passed++; console.log('ok   ' + name); }
  else { failed++; console.log('FAIL ' + name + (detail ? ': ' + detail : '')); }
}

// The server's clock is the browser's: a write kept offline carries the time it was made
// (the browser's), and the history is read by the server's day.
function nowIso() {
  return new Date().toISOString().replace(/\.\d+Z$/, '+00:00');
}

const MOBILE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Waits until fn() (run in the page, awaited) is true, asking every 100 ms for at most
// STEP_MS: no fixed sleeps. Throws naming what it waited for.
async function until(page, what, fn, arg) {
  const end = Date.now() + STEP_MS;
  for (;;) {
    if (await page.evaluate(fn, arg).catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out after ${STEP_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Waits until the service worker controls the page and has kept everything its list
// (/offline.json) names.
async function kept(page) {
  await until(page, 'the service worker to keep what /offline.json lists', async () => {
    if (!navigator.serviceWorker.controller) return false;
    const c = await caches.open('postura-v1');
    if (!(await c.match('/offline.json?kept'))) return false;
    const list = await (await fetch('/offline.json')).json();
    const all = list.shell.concat(list.pages, list.pictures);
    const hits = await Promise.all(all.map((u) => c.match(u)));
    return hits.every(Boolean);
  });
}

// The outbox as the page's IndexedDB holds it.
async function outbox(page) {
  return page.evaluate(() => new Promise((res) => {
    const rq = indexedDB.open('postura', 1);
    rq.onupgradeneeded = () => rq.result.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    rq.onsuccess = () => {
      const g = rq.result.transaction('outbox').objectStore('outbox').getAll();
      g.onsuccess = () => { rq.result.close(); res(g.result); };
    };
  }));
}

// Chromium says an incognito window cannot install an app: a profile of its own, in a
// temporary directory.
async function installable() {
  const srv = await serve(postura, nowIso());
  const profile = mkdtempSync(join(tmpdir(), 'postura-profile-'));
  const ctx = await pw.chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  ctx.setDefaultTimeout(STEP_MS);
  const page = ctx.pages()[0] || await ctx.newPage();
  try {
    await page.goto(srv.url + '/stop');
    await kept(page);
    const cdp = await ctx.newCDPSession(page);
    // Asked until it answers none (the worker and the icons are checked as they load),
    // for at most STEP_MS.
    let errors = null;
    const end = Date.now() + STEP_MS;
    for (;;) {
      errors = (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors;
      if (!errors.length || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    check('the manifest passes Chromium\'s installability check (no errors)', errors && errors.length === 0,
      JSON.stringify(errors));
    const m = await cdp.send('Page.getAppManifest');
    const man = JSON.parse(m.data || '{}');
    check('the manifest is read without errors', m.errors.length === 0 && man.start_url === '/today'
      && man.display === 'standalone' && man.short_name === 'postura', JSON.stringify(m.errors) + m.data);
    const icons = await page.evaluate(async (list) => Promise.all(list.map(async (i) => {
      const img = new Image();
      img.src = i.src;
      await img.decode();
      return [i.sizes, img.naturalWidth, img.naturalHeight, i.purpose];
    })), man.icons.filter((i) => i.type === 'image/png'));
    check('the icons are PNGs of 192 and 512 px, one maskable', icons.some((i) => i[0] === '192x192' && i[1] === 192)
      && icons.some((i) => i[0] === '512x512' && i[1] === 512 && i[3] === 'any')
      && icons.some((i) => i[3] === 'maskable' && i[1] === 512), JSON.stringify(icons));
    const metas = await page.locator('meta[name=theme-color]').evaluateAll((ms) => ms.map((m) => [m.media, m.content]));
    check('a theme colour for the light and the dark scheme', metas.length === 2
      && metas.some((m) => m[0].includes('light')) && metas.some((m) => m[0].includes('dark')), JSON.stringify(metas));
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
    await srv.stop();
  }
}

async function offlineSession(browser) {
  const srv = await serve(postura, nowIso());
  const ctx = await browser.newContext({ ...MOBILE, reducedMotion: 'no-preference' });
  const page = await ctx.newPage();
  const errs = [];
  page.on('pageerror', (e) => errs.push(String(e)));
  const api = (method, path, body) => page.request.fetch(srv.url + path, {
    method, data: body, headers: { 'Content-Type': 'application/json' } });
  try {
    await api('PUT', '/api/v1/profile', { pregnant_weeks: 24, pain: 4, areas: ['upper', 'mid'], minutes: 6 });
    await api('POST', '/api/v1/screen', JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))));

    // One visit, online.
    await page.goto(srv.url + '/today');
    await kept(page);
    check('one visit: the service worker controls the page and kept today\'s pages', true);
    const list = await (await page.request.get(srv.url + '/offline.json')).json();
    const [pics, keys] = await page.evaluate(async (urls) => {
      const c = await caches.open('postura-v1');
      const hits = await Promise.all(urls.map((u) => c.match(u)));
      return [hits.filter(Boolean).length, (await c.keys()).map((k) => k.url)];
    }, list.pictures);
    check('the pictures of today\'s exercises are kept', list.pictures.length > 0
      && pics === list.pictures.length, `${pics} of ${list.pictures.length}: ${JSON.stringify(list.pictures)} ${JSON.stringify(keys)}`);
    // The movements too, on this first visit (the player was never opened).
    const moving = Object.keys(list.movements);
    const movesKept = await page.evaluate(async (urls) => {
      const c = await caches.open('postura-v1');
      return (await Promise.all(urls.map(async (u) => { const r = await c.match(u); return r && (await r.text()).includes('<animate'); }))).filter(Boolean).length;
    }, moving);
    check('the movements of today\'s exercises are kept on the first visit', moving.length > 0
      && moving.every((u) => list.pictures.includes(u)) && movesKept === moving.length, `${movesKept} of ${moving.length}`);

    // The network goes off.
    await ctx.setOffline(true);
    await page.reload();
    check('offline: Today reloads', /Your routine today/.test(await page.locator('main').textContent()));
    await page.goto(srv.url + '/stop');
    const stop = await page.locator('main').textContent();
    check('offline: the stop signs and the emergency numbers', /Stop exercising now/.test(stop)
      && (await page.locator('main a[href^="tel:"]').count()) > 0, stop.slice(0, 200));
    await page.goto(srv.url + '/tips');
    check('offline: the tips', /Everyday tips/.test(await page.locator('h1').textContent()));
    await page.goto(srv.url + '/exercises/no-such-page-kept');
    check('offline: a page not kept says so, with the emergency numbers', /You are offline/.test(await page.locator('h1').textContent())
      && (await page.locator('main a[href^="tel:"]').count()) > 0);

    await page.clock.install({ time: new Date() });
    const fromCache = new Set();
    page.on('response', (r) => { if (r.fromServiceWorker() && r.ok()) fromCache.add(new URL(r.url()).pathname); });
    await page.goto(srv.url + '/session');
    await page.reload();
    check('offline: the session player reloads', await page.locator('.player').isVisible());
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('5');
    await page.getByLabel('None of these today').check();
    const play = page.locator('.player .controls button').nth(1);
    await play.click();
    const steps = await page.locator('.step').count();
    for (let i = 0; i < steps; i++) {
      if (i > 0) await play.click();
      const img = page.locator('.player .now .poses img.moving');
      await img.evaluate((im) => im.decode());
      const w = await img.evaluate((im) => im.naturalWidth);
      const shown = new URL(await img.evaluate((im) => im.currentSrc)).pathname;
      const moves = await page.evaluate(async (u) => (await (await fetch(u)).text()).includes('<animate'), shown);
      check(`offline: exercise ${i + 1}: its movement shows, from the service worker's cache`, w > 0
        && /\.anim\.svg$/.test(shown) && fromCache.has(shown) && moves, `${shown} ${w} ${fromCache.has(shown)} ${moves}`);
      await page.clock.runFor(15 * 60 * 1000);
      await page.locator('.player input[value=right]').check();
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await page.getByLabel('Pain now, after the session (0-10)').selectOption('2');
    await page.getByRole('button', { name: 'Save the session' }).click();
    await page.waitForURL(/\/today\?outbox=1/);
    const waiting = page.locator('#outbox .waiting');
    await waiting.waitFor();
    const said = await waiting.textContent();
    check('offline: the session is kept, and the page says it waits to be sent',
      /Waiting to be sent/.test(said) && new RegExp(`A session: ${steps} exercises?, pain 5/10 before, 2/10 after`).test(said), said);
    await page.screenshot({ path: join(shots, 'offline-waiting.png'), fullPage: true });
    const box = await outbox(page);
    check('offline: one write in the outbox, with its idempotency key', box.length === 1 && box[0].state === 'waiting'
      && /^[0-9a-f-]{32,36}$/.test(box[0].key), JSON.stringify(box));

    // A check-in offline too: the second write waits behind the first.
    await page.locator('input[name=pain][value="3"]').check({ force: true });
    await page.getByRole('button', { name: 'Save check-in' }).click();
    await page.waitForURL(/\/today\?outbox=1/);
    await page.locator('#outbox .waiting li').nth(1).waitFor();
    check('offline: the check-in waits behind the session', /A check-in: pain 3\/10/.test(
      await page.locator('#outbox .waiting li').nth(1).textContent()));

    // Back online: sent, in order, once; the page says so.
    await ctx.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    // Told twice: the second sending of the same writes is answered, not written again.
    await page.evaluate(() => navigator.serviceWorker.controller.postMessage({ type: 'flush' }));
    const sent = page.locator('#outbox .sent');
    await sent.waitFor();
    await page.waitForFunction(() => !document.querySelector('#outbox .waiting'));
    const text = await sent.textContent();
    check('online: the page says both were sent', /A session: .*sent/.test(text) && /A check-in: pain 3\/10.*sent/.test(text), text);
    await page.screenshot({ path: join(shots, 'offline-sent.png'), fullPage: true });
    const after = await outbox(page);
    check('online: sent in order', after.length === 2 && after[0].state === 'sent' && after[1].state === 'sent'
      && after[0].sent <= after[1].sent, JSON.stringify(after.map((i) => [i.state, i.sent])));
    // The outbox sends the session again, as if its answer had been lost: the server
    // keeps the key, so nothing is written twice.
    const replay = await page.evaluate(async (item) => {
      const r = await fetch(item.url, { method: 'POST', body: item.body, headers: { 'Content-Type': item.ctype, 'Idempotency-Key': item.key } });
      return r.url;
    }, after[0]);
    check('the same session sent again: the same session\'s page', after[0].link && replay.endsWith(after[0].link), `${replay} vs ${after[0].link}`);

    await page.goto(srv.url + '/history');
    const sessions = await page.locator('.sessions li').allTextContents();
    const ours = sessions.filter((s) => /pain 5\/10 before, 2\/10 after/.test(s));
    check('History shows the session exactly once', ours.length === 1, JSON.stringify(sessions));
    const exp = await (await page.request.get(srv.url + '/api/v1/export?format=json')).json();
    check('the store holds one session and one check-in', exp.sessions.length === 1 && exp.checkins.length === 1
      && exp.checkins[0].pain === 3, JSON.stringify([exp.sessions.length, exp.checkins]));
    // The session player opened online keeps its movements: offline they move.
    await page.goto(srv.url + '/session');
    const moves = Object.keys(list.movements);
    await until(page, 'the service worker to keep the player\'s movements', async (urls) => {
      const c = await caches.open('postura-v1');
      return (await Promise.all(urls.map((u) => c.match(u)))).every(Boolean);
    }, moves);
    await ctx.setOffline(true);
    const animated = await page.evaluate(async (u) => (await (await fetch(u)).text()).includes('<animate'), moves[0]);
    check('after the player was opened online, its movements move offline', moves.length > 0 && animated, moves[0]);
    await ctx.setOffline(false);
    await page.goto(srv.url + '/today');
    await page.locator('#outbox .sent button').click();
    await page.waitForFunction(() => document.getElementById('outbox').hidden);
    check('the "sent" note goes when read', (await outbox(page)).length === 0);
    check('no script errors', errs.length === 0, errs.join('; '));
  } finally {
    await ctx.close();
    await srv.stop();
  }
}

const browser = await launch(pw);
try {
  for (const [name, fn] of (process.env.ONLY === 'o' ? [['offline session', offlineSession]] : [['installable', installable], ['offline session', offlineSession]])) {
    try {
      await fn(browser);
    } catch (e) {
      check(name + ': ran to the end', false, e.stack || String(e));
    }
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

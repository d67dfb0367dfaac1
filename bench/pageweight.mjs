// Page weight (bytes transferred, everything the page loads) and first contentful paint
// of pages of a running postura serve, in Debian's chromium with a cold cache: a desktop
// window, and a 360 px phone with the CPU slowed 4x. Median of RUNS fresh contexts each,
// taken in turns.
// With BASELINE_URL, the same Today page as a static file from nginx is measured too:
// the browser's own share of the first paint on this machine.
// usage: node bench/pageweight.mjs URL SOURCE_DIR [BASELINE_URL]
import { resolve } from 'node:path';
import { launch, playwright } from '../tests/e2e/lib.mjs';

const [url, srcArg, baseline] = process.argv.slice(2);
const pw = playwright(resolve(srcArg));
const RUNS = 9;
const PAGES = [['postura /today', url + '/today'], ['postura /session', url + '/session']];
if (baseline) PAGES.push(['nginx, the same Today bytes', baseline]);
const VIEWS = {
  desktop: { ctx: { viewport: { width: 1280, height: 860 } }, cpu: 1 },
  'mobile 360px, 4x CPU': { ctx: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, cpu: 4 },
};
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

async function measure(browser, view, target) {
  const ctx = await browser.newContext(VIEWS[view].ctx);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (VIEWS[view].cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: VIEWS[view].cpu });
  let bytes = 0, requests = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; requests++; });
  await page.goto(target, { waitUntil: 'load' });
  await page.waitForTimeout(300); // late requests (lazy images in view) still count
  const fcp = await page.evaluate(() => {
    const e = performance.getEntriesByName('first-contentful-paint')[0];
    return e ? e.startTime : NaN;
  });
  await ctx.close();
  return { bytes, requests, fcp };
}

const browser = await launch(pw);
console.log('| page | view | transferred (all requests) | requests | first contentful paint |');
console.log('| --- | --- | --- | --- | --- |');
// Interleaved: run i of every page and view before run i + 1, so that a busy moment of
// the machine falls on all of them alike.
const runs = new Map();
for (let i = 0; i < RUNS; i++)
  for (const [name, target] of PAGES)
    for (const view of Object.keys(VIEWS)) {
      const key = `${name}|${view}`;
      if (!runs.has(key)) runs.set(key, []);
      runs.get(key).push(await measure(browser, view, target));
    }
for (const [key, r] of runs) {
  const [name, view] = key.split('|');
  const kb = median(r.map((x) => x.bytes)) / 1024;
  console.log(`| ${name} | ${view} | ${kb.toFixed(1)} KB | ${median(r.map((x) => x.requests))} | ${median(r.map((x) => x.fcp)).toFixed(0)} ms |`);
}
await browser.close();

// Dark mode: every page in both colour schemes (prefers-color-scheme light and dark), on a
// phone (360 px) and a desktop, for a person with records (so the charts, lists, forms and
// notices are all there):
//  - axe-core finds 0 violations (contrast included) in both schemes;
//  - in the dark scheme the page really is dark (a dark ground, light text), in the light
//    scheme light; the pictures and charts keep their white ground, so they read the same;
//  - at 360 px nothing scrolls sideways.
// Screenshots (360 px) go to tests/e2e/screenshots/mobile-{light,dark}-PAGE.png.
// usage: node schemes.mjs POSTURA SOURCE_DIR
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { axePath, launch, playwright, requireChromium, serve } from './lib.mjs';

const postura = resolve(process.argv[2]);
const src = resolve(process.argv[3]);
requireChromium();
const pw = playwright(src);
const shots = join(src, 'tests', 'e2e', 'screenshots');
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(axePath(src), 'utf8');

let passed = 0, failed = 0;
function check(name, cond, detail = '') {
  if (cond) { passed++; console.log('ok   ' + name); }
  else { failed++; console.log('FAIL ' + name + (detail ? ': ' + detail : '')); }
}

const VIEWS = {
  mobile: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 860 } },
};

// Relative luminance of a CSS rgb()/rgba() colour (WCAG).
function luminance(css) {
  const m = css.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/);
  if (!m) return NaN;
  const c = [m[1], m[2], m[3]].map((v) => {
    const s = Number(v) / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

const browser = await launch(pw);
const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
try {
  const setup = await browser.newContext();
  const api = async (method, path, body) => setup.request.fetch(srv.url + path, {
    method, data: body, headers: { 'Content-Type': 'application/json' } });
  await api('PUT', '/api/v1/profile', { postpartum_weeks: 8, birth: 'caesarean', feeding: 'breast', pain: 5,
    areas: ['upper', 'neck'], triggers: ['feeding', 'holding'], equipment: ['band', 'foam-roller', 'wall', 'chair'],
    minutes: 10 });
  await api('POST', '/api/v1/screen', JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))));
  for (const [day, pain] of [['2026-10-20', 7], ['2026-11-02', 6], ['2026-11-05', 5], ['2026-11-10', 4], ['2026-11-16', 3]])
    await api('POST', '/api/v1/checkins', { pain, at: `${day}T08:00:00+00:00`, note: 'morning' });
  const plan = await (await api('GET', '/api/v1/plan')).json();
  for (const day of ['2026-11-09', '2026-11-11', '2026-11-16'])
    await api('POST', '/api/v1/sessions', { at: `${day}T09:00:00+00:00`, pain_before: 3, pain_after: 2,
      exercises: plan.exercises.map((e) => ({ id: e.id, feedback: 'right' })) });
  await setup.close();

  const pages = [['today', '/today'], ['session', '/session'], ['relief', '/session?relief=1'],
    ['history', '/history'], ['history-saved', '/history?saved=checkin'], ['exercises', '/exercises'],
    ['exercises-filtered', '/exercises?position=quadruped'], ['exercise', '/exercises/cat-cow'],
    ['tips', '/tips'], ['tip', '/tips/' + plan.tips[0]], ['profile', '/profile'], ['about', '/about'],
    ['disclaimer', '/disclaimer'], ['stop', '/stop'], ['screening', '/screening'],
    ['screening-postpartum', '/screening?stage=postpartum'], ['not-found', '/no-such-page']];
  for (const scheme of ['light', 'dark']) {
    for (const view of ['mobile', 'desktop']) {
      const ctx = await browser.newContext({ ...VIEWS[view], colorScheme: scheme, bypassCSP: true,
        reducedMotion: 'reduce' });
      const page = await ctx.newPage();
      for (const [name, path] of pages) {
        await page.goto(srv.url + path);
        const look = await page.evaluate(() => {
          const cs = (el) => (el ? getComputedStyle(el) : null);
          const main = document.querySelector('main');
          const img = document.querySelector('main img');
          return { bg: cs(document.body).backgroundColor, ink: cs(main || document.body).color,
            img: img ? cs(img).backgroundColor : null,
            wide: document.documentElement.scrollWidth > window.innerWidth + 1 };
        });
        const lb = luminance(look.bg), li = luminance(look.ink);
        if (scheme === 'dark')
          check(`${scheme} ${view} ${path}: a dark ground and light text`, lb < 0.05 && li > 0.6, JSON.stringify(look));
        else
          check(`${scheme} ${view} ${path}: a light ground and dark text`, lb > 0.85 && li < 0.05, JSON.stringify(look));
        if (look.img)
          check(`${scheme} ${view} ${path}: pictures keep their white ground`, luminance(look.img) > 0.95, look.img);
        if (view === 'mobile')
          check(`${scheme} ${path}: nothing scrolls sideways at 360 px`, !look.wide);
        await page.addScriptTag({ content: axeSource });
        const res = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
          return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        });
        check(`axe, ${scheme}, ${view}: ${path}`, res.length === 0, res.join(' | '));
        if (view === 'mobile') await page.screenshot({ path: join(shots, `${view}-${scheme}-${name}.png`), fullPage: true });
      }
      await ctx.close();
    }
  }
} finally {
  await srv.stop();
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

// Browser tests of the web app in Debian's chromium (playwright-core), at 360 px on a
// phone and on a desktop:
//  1. a newcomer answers the safety questions, saves a profile, gets today's plan,
//     does the whole session with the timers (the clock is fast-forwarded), checks in,
//     and sees both in the history;
//  2. a yes to a red flag reaches the referral page, and no plan is offered;
//  3. every page passes axe-core's automated accessibility check;
//  4. the exercises' movements play, pause, and stay still for reduced motion.
// Screenshots of every page go to tests/e2e/screenshots/.
// usage: node journey.mjs POSTURA SOURCE_DIR
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axePath, launch, playwright, requireChromium, serve, serveBehindNginx } from './lib.mjs';

import { resolve } from 'node:path';
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
  mobile: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 860 } },
};

async function shot(page, view, name) {
  await page.screenshot({ path: join(shots, `${view}-${name}.png`), fullPage: true });
  // A full-page screenshot resizes the view for a moment; let the page settle back
  // before the next click (else it can land where the page was).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.wheel(0, 1);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// No horizontal scrolling at 360 px: the page fits the screen.
async function fits(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

// start: how the server is started (postura alone, or behind nginx: serveBehindNginx).
async function newcomer(browser, view, start = (now) => serve(postura, now)) {
  const srv = await start('2026-11-18T09:00:00+00:00'); // a Wednesday: a session day
  if (!srv) return;
  const ctx = await browser.newContext({ ...VIEWS[view], reducedMotion: 'reduce', ignoreHTTPSErrors: true });
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    await page.goto(srv.url + '/');
    check(`${view}: a first visit starts with the safety questions`, page.url().endsWith('/screening'));
    await shot(page, view, '01-screening-stage');
    await page.getByLabel('I am pregnant').check();
    await page.getByRole('button', { name: 'Next: the questions' }).click();
    await page.waitForURL(/stage=pregnancy/);
    await shot(page, view, '02-screening-questions');
    check(`${view}: the questions come in short steps, with progress`,
      /Step 2 of 6/.test(await page.locator('.progress-label').textContent()));
    // Each step: every answer no, then on to the next, up to the check.
    for (let step = 0; step < 6; step++) {
      const noes = page.locator('input[type=radio][value=no]');
      const n = await noes.count();
      if (!n) break;
      for (let i = 0; i < n; i++) await noes.nth(i).check();
      await page.getByRole('button', { name: /^Next/ }).click();
      await page.waitForLoadState();
    }
    check(`${view}: the last step confirms no warning signs`,
      /No warning signs/.test(await page.locator('main').textContent()));
    await shot(page, view, '02b-screening-confirm');
    await page.getByRole('button', { name: /Yes, that is right/ }).click();
    await page.waitForURL(/\/profile$/);
    check(`${view}: clear answers lead to the profile`, page.url().endsWith('/profile'), page.url());
    await page.getByLabel('Pregnant', { exact: true }).check();
    await page.getByLabel('Weeks pregnant, or weeks since the birth').fill('24');
    await page.locator('input[name=pain][value="4"]').check({ force: true });
    await page.getByLabel('upper back', { exact: true }).check();
    await page.getByLabel('sitting at a desk', { exact: true }).check();
    await page.getByLabel('Minutes a session (3 to 60)').fill('4');
    await shot(page, view, '03-profile');
    check(`${view}: the profile page fits the screen`, await fits(page));
    await page.getByRole('button', { name: 'Save my profile' }).click();
    await page.waitForURL(/\/today$/);
    check(`${view}: the profile leads to today`, page.url().endsWith('/today'), page.url());
    await shot(page, view, '04-today');
    check(`${view}: today fits the screen`, await fits(page));
    const routine = await page.locator('.routine-list li').count();
    check(`${view}: today shows a routine`, routine >= 1, String(routine));

    // The session, with the timers: the page clock is fast-forwarded.
    // The player's timers run on a clock the test moves forward (installed here: before
    // it, the pages need none).
    await page.clock.install({ time: new Date('2026-11-18T09:00:00Z') });
    await page.getByRole('link', { name: 'Start the session' }).click();
    await page.waitForURL(/\/session$/);
    await shot(page, view, '05-session-start');
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('4');
    const play = page.locator('.player .controls button').nth(1);
    // The stop signs come first, before every session (CLINICAL §2).
    check(`${view}: the session lists the stop signs first`,
      await page.getByRole('group', { name: 'Stop signs: do you have any of these today?' }).isVisible());
    await play.click();
    check(`${view}: no start before "None of these today"`, (await page.locator('.step.current').count()) === 0
      && (await page.locator('.player .what').textContent()).includes('None of these today'));
    await page.getByLabel('None of these today').check();
    await play.click();
    const steps = await page.locator('.step').count();
    check(`${view}: the player shows one exercise at a time`,
      (await page.locator('.step.current').count()) === 1 && steps >= 1);
    for (let i = 0; i < steps; i++) {
      if (i > 0) {
        check(`${view}: exercise ${i + 1} waits for Start`, (await play.textContent()) === 'Start');
        await play.click();
      }
      const count = page.locator('.player .count');
      const before = await count.textContent();
      await page.clock.runFor(3000);
      const after = await count.textContent();
      check(`${view}: exercise ${i + 1}: the timer counts down`, before !== after, `${before} -> ${after}`);
      // The bar moves with the time of the exercise, the first one too.
      const progress = parseFloat(await page.locator('.player progress').evaluate((b) => b.value));
      check(`${view}: exercise ${i + 1}: the progress bar moves during it`, progress > i && progress < i + 1, progress);
      if (i === 0) {
        // On a phone too, the picture is in view beside the timer.
        const [pic, timer] = [await page.locator('.player .now .poses').boundingBox(),
          await page.locator('.player .count').boundingBox()];
        const vp = page.viewportSize();
        check(`${view}: the picture is beside the timer, in view`, pic && timer && pic.width > 60
          && pic.x + pic.width <= timer.x + 1 && pic.y < timer.y + timer.height && timer.y < pic.y + pic.height
          && pic.x >= 0 && pic.x + pic.width <= vp.width, JSON.stringify([pic, timer]));
      }
      const label = await page.locator('.player .what').textContent();
      check(`${view}: exercise ${i + 1}: never "1 of 1"`, !/\b1 of 1\b/.test(label), label);
      if (i === 0) await shot(page, view, '06-session-running');
      await page.clock.runFor(15 * 60 * 1000);
      const what = await page.locator('.player .what').textContent();
      check(`${view}: exercise ${i + 1}: the timers run to the end`, what.startsWith('Done'), what);
      await page.locator('.player input[value=right]').check();
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await shot(page, view, '07-session-done');
    await page.getByLabel('Pain now, after the session (0-10)').selectOption('3');
    await page.getByRole('button', { name: 'Save the session' }).click();
    await page.waitForURL(/\/session\/done\?id=\d+/);
    check(`${view}: the session is saved`, /\/session\/done\?id=\d+$/.test(page.url()), page.url());
    const said = await page.locator('main').textContent();
    check(`${view}: the web says what the terminal says: the summary and next time`,
      /Saved your session\. \d+ exercises? done\. Pain 4\/10 before, 3\/10 after\./.test(said) && said.includes('Next time'), said);
    await shot(page, view, '07b-session-saved');
    check(`${view}: the session's page fits the screen`, await fits(page));
    await page.getByRole('link', { name: 'Back to Today' }).click();
    await page.waitForURL(/\/today$/);
    check(`${view}: Today ticks the day done`, (await page.locator('tr.now td.tick').count()) === 1
      && (await page.locator('main').textContent()).includes('Done today'));
    check(`${view}: a gentle streak on Today`, /1 session this week/.test(await page.locator('.streak').textContent()));
    await shot(page, view, '07c-today-done');
    check(`${view}: Today, with its ticks, fits the screen`, await fits(page));

    // The pain before the session is the day's reading; the pain after is with the session.
    await page.getByRole('link', { name: 'History' }).first().click();
    await page.waitForURL(/\/history$/);
    const story = await page.locator('main').textContent();
    check(`${view}: History counts the pain before the session`, !/No pain (check-ins|readings)/.test(story)
      && /average 4\.0\/10/.test(story), story.slice(0, 400));
    check(`${view}: History shows the pain after with the session`,
      /pain 4\/10 before, 3\/10 after/.test(await page.locator('.sessions').textContent()));

    // A check-in of 8 from the Today page: saved, with the advice the terminal gives.
    await page.goto(srv.url + '/today');
    await page.locator('input[name=pain][value="8"]').check({ force: true });
    await page.locator('input[name=areas][value=upper]').check();
    await page.getByLabel('Note (optional)').fill('better after the walk <b>ok</b>');
    await page.getByRole('button', { name: 'Save check-in' }).click();
    await page.waitForURL(/\/history/);
    check(`${view}: the check-in is saved`, page.url().includes('/history?saved=checkin'), page.url());
    const advice = await page.locator('.notice.warn').textContent();
    check(`${view}: a check-in of 8/10 gives the advice, not just "Saved"`,
      /Pain 8\/10\. That is a lot of pain\./.test(advice), advice);
    const notes = await page.locator('.checkins').textContent();
    check(`${view}: the history lists the check-in, as text`, notes.includes('better after the walk <b>ok</b>'), notes);
    const charts = page.locator('figure.chart img');
    check(`${view}: the history has its charts`, (await charts.count()) === 2);
    for (let i = 0; i < await charts.count(); i++) {
      const c = charts.nth(i);
      await c.evaluate((img) => img.decode());
      const [nat, src, alt] = await c.evaluate((img) => [img.naturalWidth, img.currentSrc, img.alt]);
      const want = view === 'mobile' ? 'size=narrow' : 'size=wide';
      check(`${view}: chart ${i + 1} is drawn, the ${want} one`, nat > 0 && src.includes(want), [nat, src]);
      check(`${view}: chart ${i + 1} says in words what it shows`, alt.length > 20, alt);
    }
    await shot(page, view, '08-history');
    check(`${view}: the history fits the screen`, await fits(page));

    for (const [path, name] of [['/exercises', '09-library'], ['/exercises/wall-angels', '10-exercise'],
      ['/tips', '11-tips'], ['/about', '12-about'], ['/stop', '13-stop'], ['/profile', '14-settings']]) {
      await page.goto(srv.url + path);
      await shot(page, view, name);
      check(`${view}: ${path} fits the screen`, await fits(page));
    }
    check(`${view}: no script errors`, consoleErrors.length === 0, consoleErrors.join('; '));
  } finally {
    await ctx.close();
    const code = await srv.stop();
    check(`${view}: the server stops cleanly`, code === 0, String(code));
  }
}

// Waits until fn() is true, checking every 50 ms for at most ms: no fixed sleeps. Throws
// naming what it waited for, so a failure says which step did not come.
async function until(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The player moves on by itself when asked: each exercise starts after a moment to get
// into position, and how each went is asked once, at the end.
async function autoAdvance(browser, view) {
  const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
  const ctx = await browser.newContext({ ...VIEWS[view], reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  const api = async (method, path, body) => page.request.fetch(srv.url + path, {
    method, data: body, headers: { 'Content-Type': 'application/json' } });
  try {
    await api('PUT', '/api/v1/profile', { pregnant_weeks: 24, pain: 3, areas: ['upper'], minutes: 8 });
    await api('POST', '/api/v1/screen', JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))));
    await page.clock.install({ time: new Date('2026-11-18T09:00:00Z') });
    await page.goto(srv.url + '/session');
    const steps = await page.locator('.step').count();
    const auto = page.getByLabel(/Move on by itself/);
    check(`${view}: the player offers to move on by itself`, await auto.isVisible());
    await auto.check();
    // Pain of 8 before the session: the advice a check-in of 8 gets, as the terminal says.
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('8');
    const adv = page.locator('.pain-advice');
    check(`${view}: pain 8 before the session: the check-in's advice`, await adv.isVisible()
      && /That is a lot of pain\./.test(await adv.textContent()));
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('5');
    check(`${view}: pain 5: no advice`, !(await adv.isVisible()));
    check(`${view}: the advice follows the choice: no 'Check my pain first' button to press`,
      (await page.getByRole('button', { name: 'Check my pain first' }).count()) === 0);
    await page.getByLabel('None of these today').check();
    await page.getByRole('button', { name: 'Start' }).click();
    const where = page.locator('.player .where');
    const labels = [];
    // A single hold (one repetition of a hold) says "Hold", never "Hold — 1 of 1".
    const singleHold = await page.locator('.step[data-reps="1"]:not([data-hold="0"]), .step[data-reps="0"]:not([data-hold="0"])').count();
    const at = async () => { const m = /^Exercise (\d+) of/.exec(await where.textContent()); return m ? +m[1] : steps + 1; };
    for (let i = 1; i < steps; i++) {
      // Run the clock two seconds at a time until the next exercise is on.
      await until(`exercise ${i + 1} of ${steps} to start by itself`, async () => {
        labels.push(await page.locator('.player .what').textContent());
        if (await at() >= i + 1) return true;
        await page.clock.runFor(2000);
        return false;
      }, 30000);
      check(`${view}: exercise ${i + 1} came next, not later`, await at() === i + 1, await where.textContent());
      check(`${view}: exercise ${i + 1} started by itself`, (await page.locator('.player .count').textContent()) !== '✓'
        && (await page.locator('.player .feedback').count()) === 0);
    }
    await until('the end of the session', async () => {
      if ((await where.textContent()) === 'All done') return true;
      await page.clock.runFor(2000);
      return false;
    }, 30000);
    check(`${view}: the player never says "1 of 1"`, !labels.some((l) => /\b1 of 1\b/.test(l)), labels.join(' | '));
    check(`${view}: a single hold says "Hold"`, !singleHold || labels.includes('Hold'), labels.join(' | '));
    const asked = page.locator('.finish .feedback-all fieldset.feedback');
    check(`${view}: at the end, how each exercise went is asked, all of them`, (await asked.count()) === steps,
      String(await asked.count()));
    await shot(page, view, '07d-auto-end');
    check(`${view}: the end of an automatic session fits the screen`, await fits(page));
    for (let i = 0; i < steps; i++) await asked.nth(i).locator('input[value=right]').check();
    await page.getByLabel('Pain now, after the session (0-10)').selectOption('4');
    await page.getByRole('button', { name: 'Save the session' }).click();
    await page.waitForURL(/\/session\/done\?id=\d+/);
    const said = await page.locator('main').textContent();
    check(`${view}: the automatic session logs every exercise`,
      said.includes(`${steps} exercise${steps === 1 ? '' : 's'} done. Pain 5/10 before, 4/10 after.`), said.slice(0, 300));
  } finally {
    await ctx.close();
    await srv.stop();
  }
}

// Every exercise skipped with Next: no "Well done" for nothing done, no session logged,
// and the pain given before kept as the day's check-in (as the terminal does).
async function skipAll(browser) {
  const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
  const ctx = await browser.newContext({ ...VIEWS.mobile, reducedMotion: 'reduce' });
  const page = await ctx.newPage();
  const api = async (method, path, body) => page.request.fetch(srv.url + path, {
    method, data: body, headers: { 'Content-Type': 'application/json' } });
  try {
    await api('PUT', '/api/v1/profile', { pregnant_weeks: 24, pain: 3, areas: ['upper'], minutes: 8 });
    await api('POST', '/api/v1/screen', JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))));
    await page.goto(srv.url + '/session');
    const steps = await page.locator('.step').count();
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('6');
    await page.getByLabel('None of these today').check();
    await page.getByRole('button', { name: 'Start' }).click();
    for (let i = 0; i < steps; i++) await page.getByRole('button', { name: 'Next' }).click();
    await until('the end of the skipped session', async () => (await page.locator('.player .where').textContent()) === 'All done');
    const what = await page.locator('.player .what').textContent();
    check('skipped: no "Well done" when nothing was done', !what.includes('Well done') && what.includes('No exercise was done'), what);
    await page.getByLabel('Pain now, after the session (0-10)').selectOption('6');
    await page.getByRole('button', { name: 'Save the session' }).click();
    await page.waitForURL(/\/history\?saved=before$/);
    const notice = await page.locator('.notice.ok').textContent();
    check('skipped: no session logged, the pain before kept', notice.includes('no session was logged')
      && (await page.locator('.checkins').textContent()).includes('pain 6/10'), notice);
  } finally {
    await ctx.close();
    await srv.stop();
  }
}

async function redFlag(browser, view) {
  const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
  const ctx = await browser.newContext(VIEWS[view]);
  const page = await ctx.newPage();
  try {
    await page.goto(srv.url + '/screening?stage=pregnancy');
    const noes = page.locator('input[type=radio][value=no]');
    const n = await noes.count();
    for (let i = 0; i < n; i++) await noes.nth(i).check();
    await page.locator('input[name="q.chest-pain"][value=yes]').check();
    await page.getByRole('button', { name: /^Next/ }).click();
    await page.waitForURL(/\/referral$/);
    check(`${view}: a red flag reaches the referral page`, page.url().endsWith('/referral'), page.url());
    const h1 = await page.locator('h1').textContent();
    check(`${view}: the referral says how urgent`, /emergency/i.test(h1), h1);
    await shot(page, view, '20-referral');
    await page.goto(srv.url + '/today');
    check(`${view}: no plan is offered after a red flag`, page.url().endsWith('/referral'), page.url());
    await page.goto(srv.url + '/session');
    check(`${view}: no session either`, page.url().endsWith('/referral'), page.url());
  } finally {
    await ctx.close();
    await srv.stop();
  }
}

// axe-core on every page (the policy forbids injected scripts: this context bypasses it).
async function accessibility(browser) {
  const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
  const ctx = await browser.newContext({ ...VIEWS.mobile, bypassCSP: true });
  const page = await ctx.newPage();
  const api = async (method, path, body) => page.request.fetch(srv.url + path, {
    method, data: body, headers: { 'Content-Type': 'application/json' } });
  try {
    // A person with records, so the charts, lists and forms are all there.
    await api('PUT', '/api/v1/profile', { postpartum_weeks: 8, birth: 'caesarean', feeding: 'breast', pain: 5,
      areas: ['upper', 'neck'], triggers: ['feeding', 'holding'], minutes: 10 });
    await api('POST', '/api/v1/screen', JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))));
    for (const [day, pain] of [['2026-11-02', 6], ['2026-11-05', 5], ['2026-11-10', 4], ['2026-11-16', 3]])
      await api('POST', '/api/v1/checkins', { pain, at: `${day}T08:00:00+00:00`, note: 'morning' });
    const plan = await (await api('GET', '/api/v1/plan')).json();
    await api('POST', '/api/v1/sessions', { at: '2026-11-16T09:00:00+00:00', pain_before: 3, pain_after: 2,
      exercises: plan.exercises.map((e) => ({ id: e.id, feedback: 'right' })) });
    const pages = ['/today', '/session', '/session?relief=1', '/session/done?id=1', '/history', '/exercises', '/exercises/cat-cow',
      '/tips', '/tips/' + plan.tips[0], '/profile', '/about', '/disclaimer', '/stop', '/screening',
      '/screening?stage=postpartum', '/no-such-page'];
    for (const path of pages) {
      await page.goto(srv.url + path);
      await page.addScriptTag({ content: axeSource });
      const res = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
        return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      });
      check(`axe: ${path}`, res.length === 0, res.join(' | '));
    }
    await page.goto(srv.url + '/today');
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => document.activeElement.textContent);
    check('keyboard: the first Tab reaches the skip link', skip.includes('Skip'), skip);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => !!document.activeElement.closest('main'));
    check('keyboard: the skip link moves into the content', inMain);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check('keyboard: the focus is visible', outline !== 'none', outline);
    await shot(page, 'mobile', '15-today-records');
    await page.goto(srv.url + '/history');
    await shot(page, 'mobile', '16-history-records');
    await page.setViewportSize({ width: 1280, height: 860 });
    await shot(page, 'desktop', '16-history-records');
  } finally {
    await ctx.close();
    await srv.stop();
  }
}

// Without JavaScript: the session is one form with every exercise, and it still logs.
async function noScript(browser) {
  const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
  const ctx = await browser.newContext({ ...VIEWS.mobile, javaScriptEnabled: false });
  const page = await ctx.newPage();
  try {
    await page.request.fetch(srv.url + '/api/v1/profile', { method: 'PUT', headers: { 'Content-Type': 'application/json' },
      data: { pregnant_weeks: 30, pain: 3, areas: ['mid'], minutes: 6 } });
    await page.request.fetch(srv.url + '/api/v1/screen', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      data: JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))) });
    await page.goto(srv.url + '/session');
    check('no JS: every exercise is on the page', (await page.locator('.step').count()) >= 1
      && await page.locator('.step').first().isVisible() && !(await page.locator('#player').isVisible()));
    // A high pain before: 'Check my pain first' brings the advice from the server.
    await page.getByLabel('None of these today').check();
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('8');
    check('no JS: the advice is not shown before the pain is checked', !(await page.locator('.pain-advice').isVisible()));
    await page.getByRole('button', { name: 'Check my pain first' }).click();
    await page.waitForURL(/\/session\?before=8/);
    const adv = page.locator('.pain-advice');
    check('no JS: pain 8 checked: the advice, as the terminal says it before a session', await adv.isVisible()
      && /That is a lot of pain\. Go gently today/.test(await adv.textContent()), page.url());
    check('no JS: the pain and the stop-sign box are kept',
      (await page.getByLabel('Pain now, before you start (0-10)').inputValue()) === '8'
      && await page.getByLabel('None of these today').isChecked());
    await page.screenshot({ path: join(shots, 'mobile-17-session-no-js-advice.png') });
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('3');
    await page.locator('.step').first().locator('input[value=easy]').check();
    await page.getByLabel('Pain now, after the session (0-10)').selectOption('2');
    // (not shot(): it runs script in the page, which this context does not allow)
    await page.screenshot({ path: join(shots, 'mobile-17-session-no-js.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save the session' }).click();
    await page.waitForURL(/\/session\/done/);
    check('no JS: the session form logs the session', /\/session\/done\?id=\d+$/.test(page.url()), page.url());
  } finally {
    await ctx.close();
    await srv.stop();
  }
}

// The movement: it loops only for those who have not asked for reduced motion, a button
// pauses it (remembered), and the poses stand still instead.
async function motion(browser) {
  const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
  try {
    const still = await browser.newContext({ ...VIEWS.mobile, reducedMotion: 'reduce' });
    let page = await still.newPage();
    await page.goto(srv.url + '/exercises/cat-cow');
    check('reduced motion: the movement does not play', !(await page.locator('img.moving').isVisible()));
    check('reduced motion: every pose is shown still', (await page.locator('img.still:visible').count()) === 3);
    check('reduced motion: no pause button to need', (await page.getByRole('button', { name: 'Pause the movement' }).count()) === 0);
    await still.close();

    const ctx = await browser.newContext({ ...VIEWS.mobile, reducedMotion: 'no-preference' });
    page = await ctx.newPage();
    await page.goto(srv.url + '/exercises/cat-cow');
    const moving = page.locator('img.moving');
    await moving.evaluate((img) => img.decode());
    check('the movement plays', await moving.isVisible() && (await moving.evaluate((i) => i.naturalWidth)) > 0);
    const frames = async () => moving.evaluate(async (img) => {
      // Two moments of the loop drawn to a canvas differ: it moves.
      const grab = () => { const c = document.createElement('canvas'); c.width = 240; c.height = 180;
        c.getContext('2d').drawImage(img, 0, 0); return c.toDataURL(); };
      // Waits for a frame that differs, for at most 10 s (a loaded machine draws late).
      const a = grab();
      const end = Date.now() + 10000;
      while (Date.now() < end) {
        await new Promise((r) => requestAnimationFrame(r));
        if (grab() !== a) return true;
      }
      return false;
    });
    check('the picture changes as it plays', await frames());
    await shot(page, 'mobile', '18-exercise-moving');
    const pause = page.getByRole('button', { name: 'Pause the movement' });
    await pause.click();
    check('Pause: the movement stops, the poses stand still', !(await moving.isVisible())
      && (await page.locator('img.still:visible').count()) === 3 && (await pause.getAttribute('aria-pressed')) === 'true');
    await page.reload();
    check('the pause is remembered', !(await page.locator('img.moving').isVisible())
      && (await page.getByRole('button', { name: 'Pause the movement' }).getAttribute('aria-pressed')) === 'true');
    await page.getByRole('button', { name: 'Pause the movement' }).click();
    check('pressed again, it plays', await page.locator('img.moving').isVisible());

    // In the session player, the movement stands in for the two poses.
    await page.request.fetch(srv.url + '/api/v1/profile', { method: 'PUT', headers: { 'Content-Type': 'application/json' },
      data: { pregnant_weeks: 30, pain: 3, areas: ['mid'], minutes: 6 } });
    await page.request.fetch(srv.url + '/api/v1/screen', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      data: JSON.parse(readFileSync(join(src, 'tests/fixtures/answers-clear.json'))) });
    await page.goto(srv.url + '/session');
    await page.getByLabel('Pain now, before you start (0-10)').selectOption('3');
    await page.getByLabel('None of these today').check();
    await page.getByRole('button', { name: 'Start' }).click();
    const now = page.locator('.player .now');
    check('the player shows the movement of the current exercise, beside the timer', await now.locator('img.moving').isVisible()
      && (await now.locator('img.still:visible').count()) === 0);
    await ctx.close();
  } finally {
    await srv.stop();
  }
}

const browser = await launch(pw);
try {
  for (const view of ['mobile', 'desktop']) {
    await newcomer(browser, view);
    await autoAdvance(browser, view);
    await redFlag(browser, view);
  }
  // Once through nginx with docs/nginx.conf, TLS and all, as a remote user would.
  console.log('--- the newcomer again, through nginx (docs/nginx.conf)');
  await newcomer(browser, 'desktop', (now) => serveBehindNginx(postura, src, now));
  await skipAll(browser);
  await accessibility(browser);
  await noScript(browser);
  await motion(browser);
} catch (e) {
  failed++;
  console.log('FAIL ' + (e.stack || e));
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

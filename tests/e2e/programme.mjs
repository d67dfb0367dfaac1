// The clinician's programme editing page in Debian's chromium at 360 px (issue 14): without
// JavaScript the clinician moves an exercise, adds one the rules leave out, is refused
// without a reason (the message beside the field, nothing lost), saves with one; the
// patient's Today then shows the changed dose and the notes. Each state axe-clean and no
// wider than the screen. Screenshots go to $POSTURA_SHOTS when set.
//
// usage: node programme.mjs POSTURA SOURCE_DIR
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axePath, launch, playwright, requireChromium, serve } from './lib.mjs';

const [postura, src] = process.argv.slice(2);
requireChromium();
const pw = playwright(src);
const axeSource = readFileSync(axePath(src), 'utf8');
const shots = process.env.POSTURA_SHOTS;
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log('ok   ' + name); } else { failed++; console.log('FAIL ' + name + (detail ? ': ' + detail : '')); }
}

const srv = await serve(postura, '2026-11-18T09:00:00+00:00');
const db = join(srv.dir, 'me.db');
const users = [['clinician', 'ana@clinic.example', 'velvet-cactus-ledger-3', []],
  ['patient', 'pat@example.org', 'silver-meadow-kettle-5', ['--clinician', 'ana@clinic.example', '--name', 'Pat One']]];
for (const [role, email, password, more] of users) {
  const r = spawnSync(postura, ['--db', db, 'user', 'add', '--role', role, '--email', email, ...more], { input: password + '\n' });
  check(`user add ${role}`, r.status === 0, String(r.stderr));
}
const list = String(spawnSync(postura, ['--db', db, 'user', 'list']).stdout);
const pid = Number((list.match(/^\s*(\d+)\s.*pat@example\.org/m) || [])[1]);
check('the patient\'s id', pid > 0, list);
const browser = await launch(pw);
const mobile = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

// The pages of the no-JavaScript context are audited in a context with JavaScript (axe is
// a script): the same HTML, at the same origin, with its stylesheet.
let auditor = null;
async function audit(from, name) {
  let page = from;
  if (from.context() !== auditor.context()) {
    const html = await from.content();
    await auditor.goto(srv.url + '/stop');
    await auditor.setContent(html, { waitUntil: 'load' });
    page = auditor;
  }
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  check(`axe: ${name}`, res.length === 0, res.join(' | '));
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`360 px: ${name} is no wider than the screen`, wide <= 360, String(wide));
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `programme-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  }
}

async function login(page, email, password) {
  await page.goto(srv.url + '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => u.pathname !== '/login');
}

try {
  auditor = await (await browser.newContext({ ...mobile, bypassCSP: true })).newPage();
  // The patient: a profile (24 weeks: lying on the back is left out) and no warning signs.
  const pctx = await browser.newContext({ ...mobile });
  const pp = await pctx.newPage();
  await login(pp, 'pat@example.org', 'silver-meadow-kettle-5');
  const setup = await pp.evaluate(async () => {
    const prof = await fetch('/api/v1/profile', { method: 'PUT', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pregnant_weeks: 24, minutes: 10 }) });
    const qs = await (await fetch('/api/v1/catalog')).ok;
    return prof.status + ' ' + qs;
  });
  check('the patient saves a profile', setup.startsWith('200'), setup);
  const q = spawnSync(postura, ['screen', '--list', '--json']);
  const no = Object.fromEntries(JSON.parse(String(q.stdout)).map((x) => [x.id, false]));
  const sc = await pp.evaluate(async (body) => (await fetch('/api/v1/screen?stage=pregnancy', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).status, no);
  check('the patient answers the safety questions', sc === 200, String(sc));

  // The clinician, without JavaScript.
  const cctx = await browser.newContext({ ...mobile, javaScriptEnabled: false });
  const cp = await cctx.newPage();
  await login(cp, 'ana@clinic.example', 'velvet-cactus-ledger-3');
  const page = `${srv.url}/clinic/patients/${pid}/programme`;
  await cp.goto(page);
  check('the editing page opens', await cp.getByRole('heading', { name: /Programme/ }).first().isVisible());
  await audit(cp, 'editing page');
  const first = await cp.locator('input[name="id0"]').getAttribute('value');
  await cp.getByRole('button', { name: /^Move down/ }).first().click();
  check('move down without JavaScript', await cp.locator('input[name="id1"]').getAttribute('value') === first);
  await cp.getByLabel('Add an exercise').selectOption('gentle-spinal-twist');
  await cp.getByRole('button', { name: 'Add', exact: true }).click();
  const n = await cp.locator('input[name^="id"][type="hidden"]').count();
  check('add from the catalogue', await cp.locator(`input[name="id${n - 1}"]`).getAttribute('value') === 'gentle-spinal-twist');
  await audit(cp, 'added, not saved');
  await cp.getByLabel('Repetitions').first().fill('12');
  await cp.getByLabel('Note for the patient (optional)').first().fill('Slowly, at half effort.');
  await cp.getByLabel('Note for the patient about the whole programme (optional)').fill('Little and often.');
  await cp.getByRole('button', { name: 'Save the programme' }).click();
  check('save without a reason is refused, beside the field', await cp.getByRole('alert').first().isVisible() &&
    /reason/.test(await cp.getByRole('alert').first().textContent()));
  check('... what was typed is kept', await cp.getByLabel('Note for the patient about the whole programme (optional)').inputValue() === 'Little and often.');
  await audit(cp, 'refused save');
  await cp.getByLabel('Reason to assign it anyway').fill('Propped on a wedge at 30 degrees; checked in clinic.');
  await cp.getByRole('button', { name: 'Save the programme' }).click();
  check('saved', await cp.getByRole('status').first().isVisible());
  await audit(cp, 'saved');

  await pp.goto(srv.url + '/today');
  const today = await pp.textContent('main');
  check("the patient's Today: the clinician's note", today.includes('Little and often.'), today.slice(0, 400));
  check("the patient's Today: the exercise's note", today.includes('Slowly, at half effort.'));
  check("the patient's Today: the changed dose", /12 (repetitions|reps)|of 12/.test(today), today.slice(0, 800));
  await audit(pp, 'patient today');
} catch (e) {
  check('the journey', false, e.stack || String(e));
} finally {
  await browser.close();
  await srv.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

// Clinic mode's journey in Debian's chromium (issue 14 "Tests and measures"): an admin
// adds a clinician; the clinician sets a password through the invitation, adds a patient
// and gets the patient's invitation link; the patient sets a password on a 360-px phone,
// answers the safety questions, saves a profile and does a session; the clinician sees it
// on the dashboard and opens the patient's page, charts and PDFs, and changes a dose, which
// the patient's next Today shows. axe-core on every page
// of the clinician's (no violation), none wider than 360 px. Each step waits for its
// condition (lib.mjs STEP_MS), never a fixed time. Screenshots go to $POSTURA_SHOTS.
//
// usage: node clinic.mjs POSTURA SOURCE_DIR
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { axePath, launch, playwright, requireChromium, serve } from './lib.mjs';

const postura = resolve(process.argv[2]);
const src = resolve(process.argv[3]);
requireChromium();
const pw = playwright(src);
const axeSource = readFileSync(axePath(src), 'utf8');
const shots = process.env.POSTURA_SHOTS;
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log('ok   ' + name); } else { failed++; console.log('FAIL ' + name + (detail ? ': ' + detail : '')); }
}

const MOBILE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 860 } };
const ADMIN = ['admin@clinic.example', 'granite-owl-harbour-7'];
const CLINICIAN = ['ana@clinic.example', 'velvet-cactus-ledger-3'];
const PATIENT = ['pat@patients.example', 'orchid-basalt-meridian-4'];

// axe, and no wider than the screen at 360 px.
async function audit(page, name) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  check(`axe: ${name}`, res.length === 0, res.join(' | '));
  const [wide, view] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(`${name}: no wider than the screen (${view} px)`, wide <= view + 1, String(wide));
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `clinic-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  }
}

// Sets a password through an invitation link (the page of auth's).
async function acceptInvitation(page, url, password) {
  await page.goto(url);
  await page.getByLabel('New password').fill(password);
  await page.getByLabel('The same password again').fill(password);
  const path = new URL(url).pathname;
  await page.getByRole('button', { name: /Set my password/ }).click();
  await page.waitForURL((u) => u.pathname !== path);
}

const srv = await serve(postura, '2026-11-18T09:00:00+00:00'); // a Wednesday
const db = join(srv.dir, 'me.db');
const r = spawnSync(postura, ['--db', db, 'user', 'add', '--role', 'admin', '--email', ADMIN[0]], { input: ADMIN[1] + '\n' });
check('the admin account (postura user add)', r.status === 0, String(r.stderr));
const browser = await launch(pw);
try {
  // The admin adds a clinician on /admin.
  const actx = await browser.newContext(DESKTOP);
  const admin = await actx.newPage();
  await admin.goto(srv.url + '/login');
  await admin.getByLabel('Email').fill(ADMIN[0]);
  await admin.getByLabel('Password').fill(ADMIN[1]);
  await admin.getByRole('button', { name: 'Log in' }).click();
  await admin.waitForURL((u) => u.pathname === '/admin');
  await admin.getByLabel('Email').fill(CLINICIAN[0]);
  await admin.getByLabel('Name').fill('Ana');
  await admin.getByRole('button', { name: /Add and make/ }).click();
  const clinicianLink = (await admin.locator('code.url').textContent()) || '';
  check('the admin adds a clinician: an invitation link', /\/invite\/[0-9a-f]{64}$/.test(clinicianLink), clinicianLink);
  await actx.close();

  // The clinician sets a password and lands on the dashboard (desktop, the page's own
  // scripts; axe needs the policy bypassed to inject itself).
  const cctx = await browser.newContext({ ...DESKTOP, bypassCSP: true });
  const clinic = await cctx.newPage();
  await acceptInvitation(clinic, clinicianLink, CLINICIAN[1]);
  await clinic.goto(srv.url + '/');
  await clinic.waitForURL((u) => u.pathname === '/clinic');
  check("the clinician's home is the dashboard", new URL(clinic.url()).pathname === '/clinic', clinic.url());
  check('no patients yet', (await clinic.locator('main').textContent()).includes('No patients yet'));
  await audit(clinic, 'dashboard, empty');
  // A bad email: the problem shown at the field, the name kept.
  await clinic.getByLabel('Their email').fill('pat-at-patients');
  await clinic.getByLabel('Their name').fill('Pat');
  await clinic.evaluate(() => document.querySelector('form[action="/clinic/patients"]').setAttribute('novalidate', ''));
  await clinic.getByRole('button', { name: /Add and make/ }).click();
  await clinic.getByRole('alert').waitFor();
  check('a bad email: said at the field', (await clinic.getByRole('alert').textContent()).startsWith('email:')
    && (await clinic.getByLabel('Their email').getAttribute('aria-invalid')) === 'true');
  await audit(clinic, 'dashboard, a problem');
  await clinic.getByLabel('Their email').fill(PATIENT[0]);
  await clinic.getByRole('button', { name: /Add and make/ }).click();
  await clinic.locator('#invite-link').waitFor();
  const patientLink = (await clinic.locator('#invite-link').textContent()) || '';
  check('the clinician adds a patient: the invitation link, once', /\/invite\/[0-9a-f]{64}$/.test(patientLink), patientLink);
  await audit(clinic, 'dashboard, the invitation');
  await clinic.goto(srv.url + '/clinic');
  check('the link is not shown again', (await clinic.locator('#invite-link').count()) === 0);
  check('the patient is listed, the invitation not used yet',
    (await clinic.locator('ol.patients').textContent()).includes('invitation not used yet'));

  // The patient, on a phone without the clinician's help: password, safety questions,
  // profile, a session.
  const pctx = await browser.newContext({ ...MOBILE, reducedMotion: 'reduce' });
  const phone = await pctx.newPage();
  await acceptInvitation(phone, patientLink, PATIENT[1]);
  await phone.goto(srv.url + '/');
  await phone.waitForURL((u) => u.pathname === '/screening');
  check('the patient starts with the safety questions', new URL(phone.url()).pathname === '/screening', phone.url());
  await phone.getByLabel('I am pregnant').check();
  await phone.getByRole('button', { name: 'Next: the questions' }).click();
  await phone.waitForURL(/stage=pregnancy/);
  for (let step = 0; step < 8; step++) {
    const noes = phone.locator('input[type=radio][value=no]');
    const n = await noes.count();
    if (!n) break;
    for (let i = 0; i < n; i++) await noes.nth(i).check();
    await phone.getByRole('button', { name: /^Next/ }).click();
    await phone.waitForLoadState();
  }
  await phone.getByRole('button', { name: /Yes, that is right/ }).click();
  await phone.waitForURL(/\/profile$/);
  await phone.getByLabel('Pregnant', { exact: true }).check();
  await phone.getByLabel('Weeks pregnant, or weeks since the birth').fill('24');
  await phone.locator('input[name=pain][value="4"]').check({ force: true });
  await phone.getByLabel('upper back', { exact: true }).check();
  await phone.getByLabel('Minutes a session (3 to 60)').fill('4');
  await phone.getByRole('button', { name: 'Save my profile' }).click();
  await phone.waitForURL(/\/today$/);
  check("the patient's Today has a plan", (await phone.locator('.routine-list li').count()) >= 1);
  // The session with the player; its clock is moved on by the test.
  await phone.clock.install({ time: new Date('2026-11-18T09:00:00Z') });
  await phone.getByRole('link', { name: 'Start the session' }).click();
  await phone.waitForURL(/\/session$/);
  await phone.getByLabel('Pain now, before you start (0-10)').selectOption('6');
  await phone.getByLabel('None of these today').check();
  const play = phone.locator('.player .controls button').nth(1);
  const steps = await phone.locator('.step').count();
  for (let i = 0; i < steps; i++) {
    await play.click();
    await phone.clock.runFor(15 * 60 * 1000);
    await phone.locator('.player input[value=' + (i === 0 ? 'hurt' : 'right') + ']').check();
    await phone.getByRole('button', { name: 'Next' }).click();
  }
  await phone.getByLabel('Pain now, after the session (0-10)').selectOption('5');
  await phone.getByRole('button', { name: 'Save the session' }).click();
  await phone.waitForURL(/\/session\/done\?id=\d+/);
  check('the patient saves the session', /Saved your session/.test(await phone.locator('main').textContent()));

  // The clinician sees it: the dashboard says why to look (the "it hurt"), the week's
  // session, the pain; the patient's page has the charts and the PDFs.
  await clinic.goto(srv.url + '/clinic');
  const card = clinic.locator('ol.patients li').first();
  const said = await card.textContent();
  check('the dashboard shows the session of this week', /1 of 4 sessions this week/.test(said), said);
  check('... the pain given before it', /6\/10 on 2026-11-18/.test(said), said);
  check('... and the "it hurt" as a reason to look', /It hurt/.test(said), said);
  await audit(clinic, 'dashboard, a patient');
  await card.getByRole('link').first().click();
  await clinic.waitForURL(/\/clinic\/patients\/\d+$/);
  const page = await clinic.locator('main').textContent();
  check("the patient's page: the safety answers and their date", /Answered on Wednesday 18 November 2026/.test(page), page.slice(0, 400));
  check("... the plan", (await clinic.locator('.routine-list li').count()) >= 1);
  const charts = clinic.locator('figure.chart img');
  check('... the history charts', (await charts.count()) >= 2);
  for (let i = 0; i < await charts.count(); i++) {
    const c = charts.nth(i);
    await c.scrollIntoViewIfNeeded();
    await c.evaluate((img) => img.decode());
    check(`... chart ${i + 1} is drawn`, (await c.evaluate((img) => img.naturalWidth)) > 0);
  }
  await audit(clinic, 'patient page');
  for (const name of ['The plan as a handout (PDF, A4)', 'The progress report (PDF, A4)']) {
    const href = await clinic.getByRole('link', { name }).getAttribute('href');
    const res = await clinic.request.get(srv.url + href);
    const body = await res.body();
    check(`${name}: a PDF for the patient`, res.status() === 200 && body.subarray(0, 4).toString() === '%PDF', String(res.status()));
  }
  // The clinician changes a dose on the programme page (page_programme.c); the
  // patient's next Today shows it.
  await clinic.getByRole('link', { name: /assign a programme|Change the programme/ }).click();
  await clinic.waitForURL(/\/programme$/);
  const field = clinic.locator('input[name^="reps"], input[name^="breaths"]').first();
  const fname = await field.getAttribute('name');
  const row = fname.replace(/^\D+/, '');
  const exId = await clinic.locator(`input[name="id${row}"]`).getAttribute('value');
  const dose = String(Number(await field.inputValue()) + 3);
  await field.fill(dose);
  await clinic.getByRole('button', { name: 'Save the programme' }).click();
  await clinic.getByRole('status').first().waitFor();
  check('the clinician saves a changed dose', await clinic.getByRole('status').first().isVisible());
  await phone.clock.runFor(1000);
  await phone.goto(srv.url + '/today');
  const item = phone.locator('.routine-list li', { has: phone.locator(`a[href="/exercises/${exId}"]`) }).first();
  const shown = await item.textContent();
  check(`the patient's next Today shows the new dose (${dose})`, new RegExp(`\\b${dose}\\b`).test(shown), shown);
  // The same pages on a phone.
  const mctx = await browser.newContext({ ...MOBILE, bypassCSP: true });
  const mob = await mctx.newPage();
  await mob.goto(srv.url + '/login');
  await mob.getByLabel('Email').fill(CLINICIAN[0]);
  await mob.getByLabel('Password').fill(CLINICIAN[1]);
  await mob.getByRole('button', { name: 'Log in' }).click();
  await mob.waitForURL((u) => u.pathname === '/clinic');
  await audit(mob, 'dashboard at 360 px');
  await mob.goto(clinic.url());
  await audit(mob, 'patient page at 360 px');
  await mctx.close();
  await pctx.close();
  await cctx.close();
} catch (e) {
  check('the journey', false, e.stack || String(e));
} finally {
  await browser.close();
  await srv.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

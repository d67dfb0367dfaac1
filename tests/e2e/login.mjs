// The pages of clinic mode's accounts in Debian's chromium at 360 px (issue 14): the login
// page, its error, the invitation's set-password form, the admin's accounts and audit log,
// each axe-clean and no wider than the screen; the login and the logout button work
// without JavaScript. Screenshots go to $POSTURA_SHOTS when set.
//
// usage: node login.mjs POSTURA SOURCE_DIR
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
const users = [['admin', 'admin@clinic.example', 'granite-owl-harbour-7'],
  ['clinician', 'ana@clinic.example', 'velvet-cactus-ledger-3']];
for (const [role, email, password] of users) {
  const r = spawnSync(postura, ['--db', db, 'user', 'add', '--role', role, '--email', email], { input: password + '\n' });
  check(`user add ${role}`, r.status === 0, String(r.stderr));
}
const browser = await launch(pw);
const mobile = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

async function audit(page, name) {
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
    await page.screenshot({ path: join(shots, `auth-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  }
}

try {
  // Without JavaScript: the login and logout forms alone.
  const plain = await browser.newContext({ ...mobile, javaScriptEnabled: false });
  const p = await plain.newPage();
  await p.goto(srv.url + '/today');
  check('a page without a session opens the login', new URL(p.url()).pathname === '/login', p.url());
  await p.getByLabel('Email').fill('admin@clinic.example');
  await p.getByLabel('Password').fill('wrong-password-here');
  await p.getByRole('button', { name: 'Log in' }).click();
  check('a wrong password: the form again with the reason', await p.getByRole('alert').isVisible());
  await p.getByLabel('Email').fill('admin@clinic.example');
  await p.getByLabel('Password').fill('granite-owl-harbour-7');
  await p.getByRole('button', { name: 'Log in' }).click();
  await p.waitForURL((u) => u.pathname === '/admin');
  check('logged in without JavaScript: the admin lands on the accounts', new URL(p.url()).pathname === '/admin');
  await p.getByLabel('Email').fill('cleo@clinic.example');
  await p.getByLabel('Name').fill('Cleo');
  await p.getByRole('button', { name: /Add and make/ }).click();
  const link = (await p.locator('code.url').textContent()) || '';
  check('the admin adds a clinician: an invitation link', /\/invite\/[0-9a-f]{64}$/.test(link), link);
  await p.getByRole('button', { name: /Log out/ }).click();
  await p.waitForURL((u) => u.pathname === '/login');
  check('the logout button works without JavaScript', new URL(p.url()).pathname === '/login');
  await p.goto(srv.url + '/admin');
  check('... and the session is over', new URL(p.url()).pathname === '/login', p.url());
  await plain.close();

  // axe and 360 px on each page, with the page's scripts.
  const ctx = await browser.newContext({ ...mobile, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(srv.url + '/login');
  await audit(page, 'login');
  await page.getByLabel('Email').fill('nobody@clinic.example');
  await page.getByLabel('Password').fill('nothing-at-all-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').waitFor();
  await audit(page, 'login error');
  const path = new URL(link).pathname;
  await page.goto(srv.url + path);
  await audit(page, 'invitation');
  await page.getByLabel('New password').fill('short');
  await page.getByLabel('The same password again').fill('short');
  // The browser's own minlength check would stop the form: the server's reason is wanted.
  await page.evaluate(() => document.querySelector('form.login').setAttribute('novalidate', ''));
  await page.getByRole('button', { name: /Set my password/ }).click();
  await page.getByRole('alert').waitFor();
  await audit(page, 'invitation error');
  await page.getByLabel('New password').fill('orchid-basalt-meridian-4');
  await page.getByLabel('The same password again').fill('orchid-basalt-meridian-4');
  await page.getByRole('button', { name: /Set my password/ }).click();
  await page.waitForURL((u) => u.pathname !== path);
  await page.goto(srv.url + '/exercises');
  check('the invitation logs the new clinician in', await page.getByRole('button', { name: /Log out/ }).isVisible());
  await audit(page, 'library, logged in');
  await page.getByRole('button', { name: /Log out/ }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  await page.getByLabel('Email').fill('admin@clinic.example');
  await page.getByLabel('Password').fill('granite-owl-harbour-7');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => u.pathname === '/admin');
  await audit(page, 'admin accounts');
  await page.goto(srv.url + '/admin/audit');
  await audit(page, 'admin audit');
  const rows = await page.locator('tbody tr').count();
  check('the audit log lists the logins', rows >= 4, String(rows));
  await ctx.close();
} catch (e) {
  check('the journey', false, e.stack || String(e));
} finally {
  await browser.close();
  await srv.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

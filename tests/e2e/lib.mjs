// Shared by the browser tests and the page-weight benchmark: start `postura serve` on a
// free loopback port with a fresh database, and launch Debian's chromium through
// playwright-core (no browser download).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const CHROMIUM = process.env.POSTURA_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // The journey through nginx has a self-signed certificate: playwright's
  // ignoreHTTPSErrors covers the pages but not the service worker's script, which
  // Chromium then refuses to register (a console error).
  '--ignore-certificate-errors',
];

// Loads playwright-core from the project's node_modules (npm ci in scripts/setup.sh).
export function playwright(src) {
  const require = createRequire(join(src, 'package.json'));
  try {
    return require('playwright-core');
  } catch (e) {
    console.error('playwright-core is not installed: run scripts/setup.sh (npm ci)');
    process.exit(1);
  }
}

export function axePath(src) {
  return join(src, 'node_modules', 'axe-core', 'axe.min.js');
}

// Exits 77 (meson's "skipped") when chromium is genuinely missing.
export function requireChromium() {
  if (!existsSync(CHROMIUM)) {
    console.log(`SKIP: ${CHROMIUM} is not installed (scripts/setup.sh installs Debian's chromium)`);
    process.exit(77);
  }
}

// Every step (a click, a wait for a page, a locator) waits for its condition for at most
// STEP_MS, then fails naming what it waited for (playwright's message: "waiting for
// getByRole('button', ...)"); never a fixed sleep. Generous, so a loaded machine (two
// cores shared with another browser) does not fail a step for time alone.
export const STEP_MS = Number(process.env.POSTURA_E2E_STEP_MS || 30000);

export async function launch(pw) {
  const browser = await pw.chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const ctx = await newContext(options);
    ctx.setDefaultTimeout(STEP_MS);
    ctx.setDefaultNavigationTimeout(STEP_MS);
    return ctx;
  };
  return browser;
}

// Starts postura serve --listen 127.0.0.1:0 and resolves with {url, stop, dir}. With
// sharedDir, on the database of another server started before (its dir, left to it).
export function serve(postura, now, extraEnv = {}, extraArgs = [], sharedDir = null) {
  const dir = sharedDir || mkdtempSync(join(tmpdir(), 'postura-e2e-'));
  const env = { ...process.env, POSTURA_NOW: now, ...extraEnv };
  const child = spawn(postura, ['--db', join(dir, 'me.db'), 'serve', '--listen', '127.0.0.1:0', ...extraArgs],
    { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (d) => { errors += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('postura serve did not start: ' + errors)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          dir,
          errors: () => errors,
          stop: () => new Promise((res) => {
            child.on('exit', (code) => { if (!sharedDir) rmSync(dir, { recursive: true, force: true }); res(code); });
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`postura serve exited ${code}: ${errors}`)));
  });
}

// A free loopback port (a small race with whoever takes it next: fine for a test).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

// Resolves once something accepts connections on port, or rejects after ms saying so.
async function listening(port, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} to listen on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

// postura behind a throw-away nginx with the project's own docs/nginx.conf: its ports,
// certificate and paths put in, a self-signed certificate made by openssl, a prefix of
// its own; stopped with the servers. The upstream's processes are two `postura serve`
// on one database, as docs/deploy.md runs a clinic: nginx takes turns, so pages come
// from one process and their forms are posted to the other. Resolves with {url: 'https://127.0.0.1:PORT', stop},
// or null (and says why) when nginx or openssl is missing.
export async function serveBehindNginx(postura, src, now) {
  if (!NGINX) { console.log('SKIP the journey through nginx: nginx is not installed (scripts/debian-packages.txt)'); return null; }
  const prefix = mkdtempSync(join(tmpdir(), 'postura-nginx-'));
  const cert = join(prefix, 'cert.pem'), key = join(prefix, 'key.pem');
  const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  if (ssl.status !== 0) {
    rmSync(prefix, { recursive: true, force: true });
    console.log('SKIP the journey through nginx: openssl could not make a certificate');
    return null;
  }
  const port = await freePort(), httpPort = await freePort();
  const srv = await serve(postura, now, {}, ['--host', `127.0.0.1:${port}`]);
  let srv2;
  try {
    srv2 = await serve(postura, now, {}, ['--host', `127.0.0.1:${port}`], srv.dir);
  } catch (e) {
    await srv.stop();
    throw e;
  }
  const upstreams = [new URL(srv.url).port, new URL(srv2.url).port];
  let nup = 0;
  const site = readFileSync(join(src, 'docs', 'nginx.conf'), 'utf8').split('\n').map((line) => {
    const indent = line.match(/^\s*/)[0];
    if (line.includes('# POSTURA_UPSTREAM')) return `${indent}server 127.0.0.1:${upstreams[nup++ % 2]};`;
    if (line.includes('# POSTURA_LISTEN_DEFAULT')) return `${indent}listen 127.0.0.1:${port} ssl default_server;`;
    if (line.includes('# POSTURA_LISTEN_HTTP')) return `${indent}listen 127.0.0.1:${httpPort};`;
    if (line.includes('# POSTURA_LISTEN')) return `${indent}listen 127.0.0.1:${port} ssl http2;`;
    if (line.includes('# POSTURA_CERT')) return `${indent}ssl_certificate ${cert};`;
    if (line.includes('# POSTURA_KEY')) return `${indent}ssl_certificate_key ${key};`;
    if (line.includes('# POSTURA_NAME')) return `${indent}server_name 127.0.0.1;`;
    return line;
  }).join('\n');
  for (const m of ['POSTURA_UPSTREAM', 'POSTURA_LISTEN', 'POSTURA_CERT', 'POSTURA_KEY', 'POSTURA_NAME']) {
    if (!site.includes(m) && !readFileSync(join(src, 'docs', 'nginx.conf'), 'utf8').includes(m)) {
      throw new Error(`docs/nginx.conf has lost its ${m} marker`);
    }
  }
  writeFileSync(join(prefix, 'postura.conf'), site);
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, 'tmp', d), { recursive: true });
  writeFileSync(join(prefix, 'nginx.conf'), `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log;
events { worker_connections 256; }
http {
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  include ${prefix}/postura.conf;
}
`);
  const nginx = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let nginxErrors = '';
  nginx.stderr.on('data', (d) => { nginxErrors += d; });
  const exited = new Promise((r) => nginx.on('exit', r));
  try {
    await Promise.race([listening(port, 'nginx'),
      exited.then((code) => { throw new Error(`nginx exited ${code}: ${nginxErrors}`); })]);
  } catch (e) {
    nginx.kill('SIGTERM');
    await srv2.stop();
    await srv.stop();
    rmSync(prefix, { recursive: true, force: true });
    throw e;
  }
  return {
    url: `https://127.0.0.1:${port}`,
    dir: srv.dir,
    errors: () => srv.errors() + srv2.errors() + nginxErrors,
    stop: async () => {
      nginx.kill('SIGQUIT'); // a graceful stop
      await exited;
      rmSync(prefix, { recursive: true, force: true });
      const code2 = await srv2.stop();
      const code = await srv.stop();
      return code || code2;
    },
  };
}

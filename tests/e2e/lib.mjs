// Shared by the browser tests and the page-weight benchmark: start `postura serve` on a
// free loopback port with a fresh database, and launch Debian's chromium through
// playwright-core (no browser download).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export const CHROMIUM = process.env.POSTURA_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
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

export async function launch(pw) {
  return pw.chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

// Starts postura serve --listen 127.0.0.1:0 and resolves with {url, stop, dir}.
export function serve(postura, now, extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'postura-e2e-'));
  const env = { ...process.env, POSTURA_NOW: now, ...extraEnv };
  const child = spawn(postura, ['--db', join(dir, 'me.db'), 'serve', '--listen', '127.0.0.1:0'],
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
            child.on('exit', (code) => { rmSync(dir, { recursive: true, force: true }); res(code); });
            child.kill('SIGTERM');
          }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`postura serve exited ${code}: ${errors}`)));
  });
}

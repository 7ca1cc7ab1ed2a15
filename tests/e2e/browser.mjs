// Shared by the e2e test and the UI benchmark: serves dist/ on a loopback port and starts
// Debian's headless Chromium (playwright-core) with a fresh profile and the required flags.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const out = join(root, 'tests', 'e2e', 'out');
mkdirSync(out, { recursive: true });

export async function launch() {
  // playwright-core is installed project-locally in tools/ (scripts/setup.sh)
  const { chromium } = createRequire(join(root, 'tools', 'package.json'))('playwright-core');
  const port = 18000 + Math.floor(Math.random() * 1000);
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', join(root, 'dist')], { stdio: 'ignore' });
  // a fresh profile every run (playwright passes it to chromium as --user-data-dir)
  const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'kubesim-e2e-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  // errors thrown in the page, from its first load on
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    try { await page.goto(url); break; } catch { await new Promise((r) => setTimeout(r, 200)); }
  }
  const close = async () => { await browser.close(); server.kill(); };
  return { browser, page, url, errors, close };
}

// `node test/e2e/ui-flow.mjs`: the explorer, commands, New Fleet form and walkthrough as a new
// user meets them, in code-server's workbench driven by playwright-core. Starts from an empty
// folder: the welcome view → New Context Project → New Fleet of 3 VMs through the webview →
// Build All → the explorer shows the three VMs with their IPs and a fresh context.iso.
// Screenshots: test-output/e2e-ui/ always; media/screenshots/ (the README's) with --update-media.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, HarnessError, chromiumPath, ensureCodeServer, repoRoot, startCodeServer, workbenchUrl } from '../vscode-host/codeServer.mjs';

const TIMEOUT = Number(process.env.VMCTX_E2E_STEP_TIMEOUT ?? 30_000);
const outDir = join(repoRoot, 'test-output/e2e-ui');
const mediaDir = join(repoRoot, 'media/screenshots');
const updateMedia = process.argv.includes('--update-media');
const DARK = 'Dark Modern';
const LIGHT = 'Light Modern';

async function see(locator, what, timeout = TIMEOUT) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`did not see ${what} within ${timeout / 1000} s`);
  }
  return locator.first();
}

const escapeRegExp = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A quick-pick row whose label is exactly `label` (fuzzy matching lists look-alikes too). */
function pickRow(page, label) {
  return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = await see(page.locator('.quick-input-widget .quick-input-box input'), 'the command palette');
  await input.fill(`>${title}`);
  await (await see(pickRow(page, title), `"${title}" in the command palette`)).click();
}

/** Switches the colour theme with "Preferences: Color Theme", as a user would. */
async function setTheme(page, theme) {
  await runCommand(page, 'Preferences: Color Theme');
  const input = await see(page.locator('.quick-input-widget .quick-input-box input'), 'the theme picker');
  await input.fill(theme);
  await (await see(pickRow(page, theme), `${theme} in the theme picker`)).click();
  const dark = theme === DARK;
  await page.waitForFunction((d) => document.querySelector('.monaco-workbench')?.classList.contains(d ? 'vs-dark' : 'vs'), dark, { timeout: TIMEOUT });
  await page.waitForTimeout(800);
}

/** Clears notification toasts so they do not cover what a screenshot shows. */
async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.waitForTimeout(300);
}

/** Drags the side bar's edge to `width` pixels, so tree descriptions are not cut. */
async function widenSideBar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  const x = box.x + box.width;
  await page.mouse.move(x - 1, 400);
  await page.mouse.down();
  await page.mouse.move(box.x + width, 400, { steps: 5 });
  await page.mouse.up();
}

function treeRow(page, text) {
  return page.locator('.sidebar .monaco-list-row', { hasText: text });
}

/** The webview's content frame (VS Code nests the page in two iframes). */
function webviewFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

const shots = [];
async function shot(page, name, { media = false, clip } = {}) {
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file, clip });
  shots.push(file);
  if (media && updateMedia) copyFileSync(file, join(mediaDir, `${name}.png`));
}

const steps = [
  ['the welcome view offers New Context Project and Open Example', async ({ page }) => {
    await see(page.locator('.monaco-workbench'), 'the workbench', 90_000);
    await (await see(page.locator('.activitybar .action-item a[aria-label^="VM Context"]'), 'the VM Context icon in the activity bar')).click();
    await see(page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'New Context Project' }), 'the New Context Project button');
    // The theme list is complete once the extensions are scanned, i.e. now.
    await setTheme(page, DARK);
    await see(page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'Open Example' }), 'the Open Example button');
    await shot(page, 'welcome-view', { media: true });
  }],
  ['New Context Project scaffolds the empty folder; the explorer shows it', async ({ page, folder }) => {
    await page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'New Context Project' }).first().click();
    await see(page.locator('.tabs-container .tab.active', { hasText: 'network' }), 'common/network opened', 60_000);
    await see(treeRow(page, 'vm1'), 'vm1 in the VM Context tree', 60_000);
    await see(treeRow(page, '192.168.122.0/24'), 'the subnet next to common/network');
    for (const f of ['vmcontext.json', 'context/post-install', 'templates/vm1.xml', 'images/debian-base.raw']) {
      if (!existsSync(join(folder, f))) throw new Error(`${f} was not created`);
    }
  }],
  ['New Fleet: the form previews web1..web3 with free IPs, in dark and light theme', async ({ page }) => {
    await runCommand(page, 'VM Context: New Fleet');
    const form = webviewFrame(page);
    await see(form.locator('h1', { hasText: 'New fleet' }), 'the New Fleet form', 60_000);
    await see(form.locator('table.preview tbody tr', { hasText: 'web3' }), 'web3 in the preview');
    const rows = await form.locator('table.preview tbody tr').allInnerTexts();
    const expected = ['web1\t192.168.122.18', 'web2\t192.168.122.19', 'web3\t192.168.122.20'];
    expected.forEach((e, i) => {
      if (!rows[i]?.startsWith(e)) throw new Error(`preview row ${i + 1} is "${rows[i]}", expected it to start with "${e}"`);
    });
    // A wrong first IP is refused with the core's message, then corrected.
    const ip = form.locator('vscode-textfield#firstIp input');
    await ip.fill('10.0.0.5');
    await see(form.locator('vscode-form-helper#firstIp-help', { hasText: "outside the project's network" }), 'the out-of-network message under First IP');
    await ip.fill('192.168.122.18');
    await see(form.locator('table.preview tbody tr', { hasText: '192.168.122.20' }), 'the preview back to .18-.20');
    await shot(page, 'fleet-form-dark', { media: true });
    await setTheme(page, LIGHT);
    await shot(page, 'fleet-form-light', { media: true });
    await setTheme(page, DARK);
  }],
  ['Create writes three templates and opens web1.xml; the explorer lists them with their IPs', async ({ page, folder }) => {
    const form = webviewFrame(page);
    await form.locator('vscode-button#create').click();
    await see(page.locator('.tabs-container .tab.active', { hasText: 'web1.xml' }), 'web1.xml opened', 60_000);
    for (const [vm, ip] of [['web1', '192.168.122.18'], ['web2', '192.168.122.19'], ['web3', '192.168.122.20']]) {
      await see(treeRow(page, vm).filter({ hasText: ip }), `${vm} with ${ip} in the VM Context tree`);
      if (!existsSync(join(folder, `templates/${vm}.xml`))) throw new Error(`templates/${vm}.xml was not written`);
    }
  }],
  ['Build All writes context.iso and the overlays; the explorer shows them fresh', async ({ page, folder }) => {
    await runCommand(page, 'VM Context: Build All');
    await see(treeRow(page, 'context.iso').filter({ hasText: 'up to date' }), 'context.iso up to date in the tree', 120_000);
    await see(treeRow(page, 'overlays').filter({ hasText: '4 of 4 built' }), 'the four overlays built', 60_000);
    if (!existsSync(join(folder, 'build/context.iso'))) throw new Error('build/context.iso was not written');
    await runCommand(page, 'View: Close All Editors');
    await clearNotifications(page);
    await widenSideBar(page, 520);
    await treeRow(page, 'web1').first().locator('.monaco-tl-twistie').click();
    await see(treeRow(page, 'UUID'), 'the details of web1');
    await treeRow(page, 'overlays').first().locator('.monaco-tl-twistie').click();
    await see(treeRow(page, 'web3.qcow2'), 'the overlays listed');
    await page.waitForTimeout(500);
    await shot(page, 'explorer-dark', { media: true });
    await setTheme(page, LIGHT);
    await shot(page, 'explorer-light', { media: true });
    await setTheme(page, DARK);
  }],
  ['Show ISO Contents lists the Rock Ridge, Joliet and 8.3 names', async ({ page }) => {
    await runCommand(page, 'VM Context: Show ISO Contents');
    const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await see(preview.locator('td', { hasText: '/POST_INS.;1' }), 'the 8.3 name of post-install in the preview', 60_000);
    await clearNotifications(page);
    await shot(page, 'iso-contents', { media: true });
    await runCommand(page, 'View: Close All Editors');
  }],
  ['the walkthrough opens at its four steps', async ({ page }) => {
    await clearNotifications(page);
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await see(page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with VM Context' }), 'our walkthrough in the list');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with VM Context' }).first().click();
    await see(page.locator('.gettingStartedContainer .getting-started-step', { hasText: 'Create a context project' }), 'the first step of the walkthrough', 60_000);
    await page.waitForTimeout(1500);
    await shot(page, 'walkthrough', { media: true });
  }],
];

async function main() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  mkdirSync(mediaDir, { recursive: true });
  if (!existsSync(join(repoRoot, 'dist/webview.js'))) throw new HarnessError('dist/ is missing: run `npm run build` first');
  ensureCodeServer();
  const base = mkdtempSync(join(tmpdir(), 'vmctx-ui-'));
  const folder = join(base, 'my-cluster');
  mkdirSync(folder);
  const t0 = Date.now();
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  const log = [];
  try {
    server = await startCodeServer({ trust: true, logFile: join(outDir, 'code-server.log'), settings: { 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false } });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(workbenchUrl(server, folder, { extensionDevelopmentPath: repoRoot }), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const ctx = { page, server, folder };
    for (const [title, run] of steps) {
      const started = Date.now();
      try {
        await run(ctx);
        passed++;
        console.log(`  ✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        const file = join(outDir, `FAILED-${passed + 1}.png`);
        await page.screenshot({ path: file }).catch(() => {});
        console.log(`  ✗ ${title}: ${e?.message ?? e}\n      screenshot: ${relative(repoRoot, file)}`);
        break;
      }
    }
  } finally {
    writeFileSync(join(outDir, 'workbench.log'), log.join('\n') + '\n');
    await browser?.close().catch(() => {});
    server?.stop();
    rmSync(base, { recursive: true, force: true });
  }
  console.log(`\ne2e ui: ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${relative(repoRoot, outDir)}/${updateMedia ? ' and media/screenshots/' : ''}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed || !passed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.log(`  ✗ e2e ui: ${e instanceof HarnessError ? e.message : e?.stack ?? e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);

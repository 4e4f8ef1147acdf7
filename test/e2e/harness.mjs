// What the end-to-end flows share: a code-server workbench in headless Chromium (playwright-core),
// a Session whose helpers act as a user (command palette, Quick Open, Go to Line, Problems panel,
// colour theme, the VM Context tree, webviews), and runFlow(), which runs a flow's steps in order,
// saves a screenshot after each step into the flow's folder, and on a failure saves
// NN-step-FAILED.png with the page's HTML and stops the flow (later steps build on earlier ones).
// A step is `{ name, title, when?, run(s) }`; `when()` returns why the step cannot run yet.
// Env: VMCTX_E2E_STEP_TIMEOUT (ms per wait, default 30000), VMCTX_E2E_HEADED=1 (needs a display).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, HarnessError, chromiumPath, ensureCodeServer, repoRoot, startCodeServer, workbenchUrl } from '../vscode-host/codeServer.mjs';

export const STEP_TIMEOUT = Number(process.env.VMCTX_E2E_STEP_TIMEOUT ?? 30_000);
export const e2eOutDir = join(repoRoot, 'test-output/e2e');
export const mediaDir = join(repoRoot, 'media/screenshots');
export const DARK = 'Dark Modern';
export const LIGHT = 'Light Modern';

const escapeRegExp = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Luminance 0..1 of a CSS colour written `#rrggbb[aa]` or `rgb[a](r, g, b…)`. */
function luminance(css) {
  const hex = /^\s*#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(css);
  const [r, g, b] = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/** The page, the project folder, and helpers that act as a user. */
export class Session {
  constructor(page, folder, { outDir, updateMedia = false } = {}) {
    this.page = page;
    this.folder = folder;
    this.outDir = outDir;
    this.updateMedia = updateMedia;
  }

  /** Waits for a locator to be visible; `what` says what the user expected to see. */
  async see(locator, what, timeout = STEP_TIMEOUT) {
    try {
      await locator.first().waitFor({ state: 'visible', timeout });
    } catch {
      throw new Error(`did not see ${what} within ${timeout / 1000} s`);
    }
    return locator.first();
  }

  async gone(locator, what, timeout = STEP_TIMEOUT) {
    try {
      await locator.first().waitFor({ state: 'hidden', timeout });
    } catch {
      throw new Error(`${what} was still there after ${timeout / 1000} s`);
    }
  }

  /** A quick-pick row whose label is exactly `label`, after its icon (fuzzy matching lists look-alikes too). */
  pickRow(label) {
    const { page } = this;
    return page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
  }

  /** F1, type the command's title, click exactly that command: as a user runs a command. */
  async runCommand(title) {
    const { page } = this;
    await page.keyboard.press('F1');
    const input = await this.see(page.locator('.quick-input-widget .quick-input-box input'), 'the command palette');
    await input.fill(`>${title}`);
    await (await this.see(this.pickRow(title), `"${title}" in the command palette`)).click();
  }

  /** Ctrl+P, the file name, Enter; resolves once its editor tab is active. */
  async openFile(name) {
    const { page } = this;
    await page.keyboard.press('Control+P');
    const input = await this.see(page.locator('.quick-input-widget .quick-input-box input'), 'Quick Open');
    await input.fill(name);
    await this.see(page.locator('.quick-input-list .monaco-list-row', { hasText: name }), `${name} in Quick Open`);
    await page.keyboard.press('Enter');
    await this.see(page.locator('.tabs-container .tab.active', { hasText: name }), `the editor tab of ${name}`);
    await this.see(page.locator('.editor-instance .monaco-editor .view-lines'), `the text of ${name}`);
  }

  /** Ctrl+G to a 1-based line, cursor at its end. */
  async goToLine(line) {
    const { page } = this;
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    const input = await this.see(page.locator('.quick-input-widget .quick-input-box input'), 'Go to Line');
    await input.fill(`:${line}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
  }

  problemsPanel() {
    return this.page.locator('.markers-panel');
  }

  problem(text) {
    return this.page.locator('.markers-panel .monaco-list-row', { hasText: text });
  }

  async openProblems() {
    if (!(await this.problemsPanel().isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await this.see(this.problemsPanel(), 'the Problems panel');
  }

  /** A row of the VM Context tree (or any side bar tree) holding `text`. */
  treeRow(text) {
    return this.page.locator('.sidebar .monaco-list-row', { hasText: text });
  }

  /** The active webview's content frame (VS Code nests the page in two iframes). */
  webview() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /**
   * Switches the colour theme with "Preferences: Color Theme", as a user would, and waits until
   * the whole workbench (side bar, editor area, status bar) is painted in it, not only the class.
   */
  async setTheme(theme) {
    const { page } = this;
    await this.runCommand('Preferences: Color Theme');
    const input = await this.see(page.locator('.quick-input-widget .quick-input-box input'), 'the theme picker');
    await input.fill(theme);
    await (await this.see(this.pickRow(theme), `${theme} in the theme picker`)).click();
    const dark = theme !== LIGHT;
    try {
      await page.waitForFunction(
        (d) => {
          const wb = document.querySelector('.monaco-workbench');
          if (!wb?.classList.contains(d ? 'vs-dark' : 'vs')) return false;
          const lum = (sel) => {
            const el = document.querySelector(sel);
            if (!el) return undefined;
            const [r, g, b] = (getComputedStyle(el).backgroundColor.match(/[\d.]+/g) ?? []).map(Number);
            return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
          };
          const parts = ['.part.sidebar', '.part.editor > .content', '.part.statusbar', '.part.activitybar'].map(lum).filter((v) => v !== undefined);
          return parts.length > 0 && parts.every((v) => (d ? v < 0.35 : v > 0.75));
        },
        dark,
        { timeout: STEP_TIMEOUT },
      );
    } catch {
      throw new Error(`the workbench did not turn ${dark ? 'dark' : 'light'} with the theme "${theme}" within ${STEP_TIMEOUT / 1000} s`);
    }
    await page.waitForTimeout(800); // webviews repaint from the new theme variables
  }

  /** The luminance (0 dark .. 1 light) of the editor background the active webview is painted with. */
  async webviewLuminance() {
    const bg = await this.webview().locator('html').evaluate((h) => getComputedStyle(h).getPropertyValue('--vscode-editor-background').trim());
    if (!bg) throw new Error('the webview has no --vscode-editor-background: VS Code did not pass it the theme');
    return luminance(bg);
  }

  /** Clears notification toasts so they do not cover what a screenshot shows. */
  async clearNotifications() {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.waitForTimeout(300);
  }

  /** Drags the side bar's edge to `width` pixels, so tree descriptions are not cut. */
  async widenSideBar(width) {
    const { page } = this;
    const box = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(box.x + box.width - 1, 400);
    await page.mouse.down();
    await page.mouse.move(box.x + width, 400, { steps: 5 });
    await page.mouse.up();
  }

  /** A named screenshot into the flow's folder; with --update-media also into media/screenshots/. */
  async shot(name, { media = false } = {}) {
    const file = join(this.outDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    if (media && this.updateMedia) copyFileSync(file, join(mediaDir, `${name}.png`));
    return file;
  }
}

/**
 * Runs one flow: `{ id, title, prepare() → { base, folder }, settings?, steps }` in its own
 * code-server and browser; screenshots and logs into test-output/e2e/<id>/.
 * Resolves with `{ passed, failed, notYet, seconds }`; a workbench that cannot start counts as
 * one failure with the reason.
 */
export async function runFlow(flow, { updateMedia = false } = {}) {
  const outDir = join(e2eOutDir, flow.id);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  if (updateMedia) mkdirSync(mediaDir, { recursive: true });
  const t0 = Date.now();
  const serverLog = join(outDir, 'code-server.log');
  const logLines = [];
  let passed = 0;
  let failed = 0;
  const notYet = [];
  let server;
  let browser;
  let prepared;
  console.log(`\n${flow.title}`);
  try {
    ensureCodeServer();
    prepared = flow.prepare();
    writeFileSync(serverLog, '');
    server = await startCodeServer({ trust: true, logFile: serverLog, settings: flow.settings ?? {} });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: !process.env.VMCTX_E2E_HEADED });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => logLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logLines.push(`[pageerror] ${e.message}`));
    await page.goto(workbenchUrl(server, prepared.folder, { extensionDevelopmentPath: repoRoot }), { waitUntil: 'domcontentloaded', timeout: 60_000 }).catch((e) => {
      throw new HarnessError(`the workbench page did not load: ${e.message}`);
    });
    const session = new Session(page, prepared.folder, { outDir, updateMedia });
    let n = 0;
    for (const step of flow.steps) {
      const why = step.when?.();
      if (why) {
        notYet.push(`${step.title}: ${why}`);
        continue;
      }
      n++;
      const shot = join(outDir, `${String(n).padStart(2, '0')}-${step.name}.png`);
      const started = Date.now();
      try {
        await step.run(session);
        await page.screenshot({ path: shot });
        passed++;
        console.log(`  ✓ ${step.title} (${((Date.now() - started) / 1000).toFixed(1)} s) → ${relative(repoRoot, shot)}`);
      } catch (e) {
        const failedShot = shot.replace(/\.png$/, '-FAILED.png');
        await page.screenshot({ path: failedShot }).catch(() => {});
        // The DOM at the failure, to find the selector a newer VS Code uses.
        await page.content().then((html) => writeFileSync(failedShot.replace(/\.png$/, '.html'), html)).catch(() => {});
        failed++;
        console.log(`  ✗ ${step.title}: ${e?.message ?? e}\n      screenshot: ${relative(repoRoot, failedShot)}`);
        const rest = flow.steps.slice(flow.steps.indexOf(step) + 1).filter((x) => !x.when?.());
        if (rest.length) console.log(`      not run after this failure: ${rest.map((x) => x.name).join(', ')}`);
        break;
      }
    }
  } catch (e) {
    failed++;
    console.log(`  ✗ ${flow.title}: VS Code could not be started for this flow: ${e instanceof HarnessError ? e.message : e?.stack ?? e}`);
  } finally {
    writeFileSync(join(outDir, 'workbench.log'), logLines.join('\n') + '\n');
    await browser?.close().catch(() => {});
    server?.stop();
    if (prepared) rmSync(prepared.base, { recursive: true, force: true });
  }
  for (const line of notYet) console.log(`  - not yet in the extension: ${line}`);
  const seconds = (Date.now() - t0) / 1000;
  console.log(`  ${flow.id}: ${passed} passed, ${failed} failed, ${seconds.toFixed(0)} s; screenshots and logs in ${relative(repoRoot, outDir)}/`);
  return { passed, failed, notYet, seconds };
}

// `npm run test:e2e`: a user's session in VS Code (code-server's workbench in headless Chromium,
// driven by playwright-core) on a throw-away copy of examples/snooze-cluster. Each step waits
// for what a user would see, saves a screenshot into test-output/e2e/NN-step.png, and fails with
// the screenshot's path when that does not appear in time.
// Steps for features that do not exist yet are listed with the reason and run once the
// extension has the feature (see `when`): add a step by appending to `steps` below.
// Env: VMCTX_E2E_STEP_TIMEOUT (ms per wait, default 30000), VMCTX_E2E_HEADED=1 (needs a display).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, HarnessError, chromiumPath, copyExample, ensureCodeServer, repoRoot, startCodeServer, workbenchUrl } from '../vscode-host/codeServer.mjs';

const STEP_TIMEOUT = Number(process.env.VMCTX_E2E_STEP_TIMEOUT ?? 30_000);
const outDir = join(repoRoot, 'test-output/e2e');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const bundle = existsSync(join(repoRoot, 'dist/extension.js')) ? readFileSync(join(repoRoot, 'dist/extension.js'), 'utf8') : '';
const commandTitled = (re) => (pkg.contributes?.commands ?? []).find((c) => re.test(c.title));

/** What the steps share: the page, the example copy, helpers that act as a user. */
class Session {
  constructor(page, folder) {
    this.page = page;
    this.folder = folder;
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

  /** F1, type the command's title, Enter: as a user runs a command. */
  async runCommand(title) {
    const { page } = this;
    await page.keyboard.press('F1');
    const input = await this.see(page.locator('.quick-input-widget .quick-input-box input'), 'the command palette');
    await input.fill(`>${title}`);
    await this.see(page.locator('.quick-input-list .monaco-list-row', { hasText: title }), `"${title}" in the command palette`);
    await page.keyboard.press('Enter');
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
    const { page } = this;
    if (!(await this.problemsPanel().isVisible())) await page.keyboard.press('Control+Shift+M');
    await this.see(this.problemsPanel(), 'the Problems panel');
  }
}

/**
 * The user's path. `when` (optional) returns undefined when the step can run, or why not yet:
 * a step of a feature that does not exist is reported as such, never faked as passed.
 */
const steps = [
  {
    name: 'workbench-opens-example',
    title: 'VS Code opens the example project',
    async run(s) {
      await s.see(s.page.locator('.monaco-workbench'), 'the VS Code workbench', 90_000);
      await s.see(s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'templates' }), 'the templates folder in the Explorer', 60_000);
    },
  },
  {
    name: 'vm-context-view',
    title: 'the VM Context view shows the project',
    when: () => ((pkg.contributes?.viewsContainers?.activitybar ?? []).some((c) => /vm ?context/i.test(c.title)) ? undefined : 'package.json contributes no VM Context view container yet'),
    async run(s) {
      await (await s.see(s.page.locator('.activitybar .action-item a[aria-label^="VM Context"]'), 'the VM Context icon in the activity bar')).click();
      await s.see(s.page.locator('.sidebar .monaco-list-row', { hasText: 'debian1' }), 'debian1 in the VM Context tree');
    },
  },
  {
    name: 'open-template',
    title: 'open templates/debian1.xml',
    async run(s) {
      await s.openFile('debian1.xml');
    },
  },
  {
    name: 'type-xml-error',
    title: 'type an XML error: xml-malformed appears in the Problems panel',
    async run(s) {
      // Line 5 is `  <name>debian1</name>`: delete the "e" of the closing tag.
      await s.goToLine(5);
      await s.page.keyboard.press('ArrowLeft');
      await s.page.keyboard.press('Backspace');
      await s.openProblems();
      await s.see(s.problem('xml-malformed'), 'xml-malformed in the Problems panel');
      await s.see(s.page.locator('.editor-instance .squiggly-error'), 'the red squiggle in the editor');
    },
  },
  {
    name: 'repair-xml-error',
    title: 'type the fix: the problem disappears',
    async run(s) {
      await s.goToLine(5);
      await s.page.keyboard.press('ArrowLeft');
      await s.page.keyboard.type('e');
      await s.gone(s.problem('xml-malformed'), 'xml-malformed in the Problems panel');
    },
  },
  {
    name: 'quick-fix-cdrom-bus',
    title: "put the CD-ROM on bus 'virtio', apply the light bulb's quick fix",
    when: () => (bundle.includes('domain-cdrom-bus') ? undefined : 'the extension has no domain-cdrom-bus diagnostic yet'),
    async run(s) {
      // Line 33 is `      <target dev='sda' bus='sata'/>` (the context CD-ROM).
      await s.goToLine(33);
      for (let i = 0; i < 3; i++) await s.page.keyboard.press('ArrowLeft');
      for (let i = 0; i < 4; i++) await s.page.keyboard.press('Shift+ArrowLeft');
      await s.page.keyboard.type('virtio');
      await s.openProblems();
      await s.see(s.problem('domain-cdrom-bus'), 'domain-cdrom-bus in the Problems panel');
      await s.page.keyboard.press('ArrowLeft');
      // The light bulb (codicon-lightbulb-autofix when a preferred fix exists) before the line.
      const bulb = s.page.locator('.editor-instance .lightBulbWidget');
      await (await s.see(bulb, 'the light bulb next to the line')).click();
      // The preferred fix comes first and has the focus; the menu's pointer block swallows clicks, so Enter.
      await s.see(s.page.locator('.action-widget .monaco-list-row.focused', { hasText: "Put the CD-ROM on bus 'sata'" }), "the quick fix \"Put the CD-ROM on bus 'sata'\", selected");
      await s.page.screenshot({ path: join(outDir, 'quick-fix-menu.png') });
      await s.page.keyboard.press('Enter');
      await s.gone(s.problem('domain-cdrom-bus'), 'domain-cdrom-bus in the Problems panel');
      await s.see(s.page.locator('.editor-instance .view-line', { hasText: "<target dev='sda' bus='sata'/>" }), "the line fixed back to bus='sata'");
    },
  },
  {
    name: 'check-project-command',
    title: '"VM Context: Check Project" from the command palette finds a broken file that is not open',
    async run(s) {
      // Another tool broke debian3.xml on disk; the user asks for a full check.
      const file = join(s.folder, 'templates/debian3.xml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('<name>debian3</name>', '<name>debian3</nam>'));
      await s.runCommand('VM Context: Check Project');
      await s.openProblems();
      await s.see(s.page.locator('.markers-panel .monaco-list-row', { hasText: 'debian3.xml' }), 'debian3.xml in the Problems panel');
      await s.see(s.problem('xml-malformed'), 'its xml-malformed problem');
      writeFileSync(file, readFileSync(file, 'utf8').replace('<name>debian3</nam>', '<name>debian3</name>'));
    },
  },
  {
    name: 'build-all',
    title: '"VM Context: Build All" shows progress and the built context.iso',
    when: () =>
      !commandTitled(/^Build All$/i)
        ? 'package.json contributes no "Build All" command yet'
        : !(pkg.contributes?.viewsContainers?.activitybar ?? []).some((c) => /vm ?context/i.test(c.title))
          ? 'needs the VM Context view to see the result'
          : undefined,
    async run(s) {
      const cmd = commandTitled(/^Build All$/i);
      await s.runCommand(`${cmd.category ?? 'VM Context'}: ${cmd.title}`);
      await s.see(s.page.locator('.notifications-toasts .notification-toast', { hasText: /build/i }), 'the build progress notification');
      // The VM Context tree (open since the vm-context-view step) shows the built ISO.
      await s.see(s.page.locator('.sidebar .monaco-list-row', { hasText: /context\.iso\s*up to date/ }), 'context.iso "up to date" in the VM Context view', 120_000);
      await s.see(s.page.locator('.sidebar .monaco-list-row', { hasText: /overlays\s*3 of 3 built/ }), 'overlays "3 of 3 built" in the VM Context view', 60_000);
    },
  },
];

async function main() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const t0 = Date.now();
  if (!bundle) throw new HarnessError('dist/extension.js is missing: run `npm run build` first');
  ensureCodeServer();
  const { base, folder } = copyExample();
  const serverLog = join(outDir, 'code-server.log');
  const browserLog = join(outDir, 'workbench.log');
  writeFileSync(serverLog, '');
  const logLines = [];
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  const notYet = [];
  try {
    server = await startCodeServer({ trust: true, logFile: serverLog });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: !process.env.VMCTX_E2E_HEADED });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => logLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logLines.push(`[pageerror] ${e.message}`));
    const url = workbenchUrl(server, folder, { extensionDevelopmentPath: repoRoot });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 }).catch((e) => {
      throw new HarnessError(`the workbench page did not load: ${e.message}`);
    });
    const session = new Session(page, folder);
    let n = 0;
    for (const step of steps) {
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
        const rest = steps.slice(steps.indexOf(step) + 1).filter((x) => !x.when?.());
        if (rest.length) console.log(`      not run after this failure: ${rest.map((x) => x.name).join(', ')}`);
        break; // later steps build on this one
      }
    }
  } finally {
    writeFileSync(browserLog, logLines.join('\n') + '\n');
    await browser?.close().catch(() => {});
    server?.stop();
    rmSync(base, { recursive: true, force: true });
  }
  for (const line of notYet) console.log(`  - not yet in the extension: ${line}`);
  console.log(`\ne2e: ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots and logs in ${relative(repoRoot, outDir)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.log(`  ✗ e2e: VS Code could not be started for the end-to-end test: ${e instanceof HarnessError ? e.message : e?.stack ?? e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);

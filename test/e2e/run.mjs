// `npm run test:e2e`: users' sessions in VS Code (code-server's workbench in headless Chromium,
// driven by playwright-core), two flows, each in its own workbench:
//  - example (below): opens a throw-away copy of examples/snooze-cluster, the VM Context view, a
//    template; types an error, sees it in the Problems panel, fixes it with the light bulb; runs
//    Check Project and the "Check project" task; Build All.
//  - new-user (ui-flow.mjs): from an empty folder, New Context Project, a New Fleet of 3 through
//    the webview form, Build All, the explorer with the three VMs, Show ISO Contents, the walkthrough.
//  - nocloud (nocloud-flow.mjs): a copy of examples/nocloud-cluster, Build All, the explorer with
//    the seeds up to date, Show ISO Contents of a seed.
// Each step waits for what a user would see, saves test-output/e2e/<flow>/NN-step.png, and fails
// with the screenshot's path when that does not appear in time. Ends with one `N passed, N failed`
// line for both flows. `--update-media` also refreshes media/screenshots/ (the README's);
// `--flow example`, `--flow new-user` or `--flow nocloud` runs one flow.
// Steps for features that do not exist yet are listed with the reason and run once the
// extension has the feature (see `when`): add a step by appending to `steps` below.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, repoRoot, quit } from '../vscode-host/codeServer.mjs';
import { runFlow } from './harness.mjs';
import { newUserFlow } from './ui-flow.mjs';
import { nocloudFlow } from './nocloud-flow.mjs';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
// The extension's code (dist/extension.js is the launcher that loads it).
const bundle = existsSync(join(repoRoot, 'dist/bundle/extension.js')) ? readFileSync(join(repoRoot, 'dist/bundle/extension.js'), 'utf8') : '';
const commandTitled = (re) => (pkg.contributes?.commands ?? []).find((c) => re.test(c.title));

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
      await s.shot('quick-fix-menu');
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
    name: 'check-project-task',
    title: 'the "Check project" task (Tasks: Run Task) puts a broken file that is not open in the Problems panel',
    async run(s) {
      // Only the task's $vmcontext problem matcher can report debian2.xml: it is not open, and
      // the extension's live diagnostics cover open files only.
      const file = join(s.folder, 'templates/debian2.xml');
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace('<name>debian2</name>', '<name>debian2</nmae>'));
      try {
        await s.openProblems();
        if (await s.problemsPanel().locator('.monaco-list-row', { hasText: 'debian2.xml' }).count()) throw new Error('debian2.xml was in the Problems panel before the task ran');
        await s.runCommand('Tasks: Run Task');
        // The picker lists task types first; with a filter it searches the tasks themselves.
        const rows = s.page.locator('.quick-input-list .monaco-list-row');
        await s.see(rows.filter({ hasText: /vmcontext|VM Context: Check project/ }), 'the vmcontext tasks in the Run Task picker');
        const task = s.pickRow('VM Context: Check project'); // the task's source, then its name
        if (!(await task.count())) await (await s.see(s.pickRow('vmcontext'), 'the vmcontext task type')).click();
        await (await s.see(task, '"VM Context: Check project" among the vmcontext tasks')).click();
        // The failed task reveals its terminal; the user switches back to the Problems panel.
        const row = s.page.locator('.markers-panel .monaco-list-row', { hasText: 'debian2.xml' });
        const deadline = Date.now() + 60_000;
        while (!(await row.first().isVisible())) {
          if (Date.now() > deadline) throw new Error('did not see debian2.xml in the Problems panel, from the task, within 60 s');
          if (!(await s.problemsPanel().isVisible())) await s.page.keyboard.press('Control+Shift+M');
          await s.page.waitForTimeout(500);
        }
        await s.see(s.problem('</nmae>'), 'its xml-malformed problem about </nmae>');
      } finally {
        writeFileSync(file, original);
      }
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

export const exampleFlow = {
  id: 'example',
  title: 'e2e example: the snooze-cluster example, edited, checked and built',
  prepare: () => copyExample(),
  steps,
};

async function main() {
  if (!bundle || !existsSync(join(repoRoot, 'dist/webview.js'))) {
    console.log('  ✗ e2e: dist/ is missing: run `npm run build` first');
    console.log('0 passed, 1 failed');
    return 1;
  }
  const only = process.argv.includes('--flow') ? process.argv[process.argv.indexOf('--flow') + 1] : undefined;
  const flows = [exampleFlow, newUserFlow, nocloudFlow].filter((f) => !only || f.id === only);
  if (!flows.length) throw new Error(`no flow "${only}" (example, new-user, nocloud)`);
  const updateMedia = process.argv.includes('--update-media');
  const t0 = Date.now();
  let passed = 0;
  let failed = 0;
  for (const flow of flows) {
    const r = await runFlow(flow, { updateMedia: updateMedia && flow !== exampleFlow });
    passed += r.passed;
    failed += r.failed;
  }
  console.log(`\ne2e: ${flows.length} flow${flows.length === 1 ? '' : 's'}, ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots and logs in test-output/e2e/<flow>/${updateMedia ? ', media/screenshots/ updated' : ''}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => quit(code),
  (e) => {
    console.log(`  ✗ e2e: ${e?.stack ?? e}`);
    console.log('0 passed, 1 failed');
    quit(1);
  },
);

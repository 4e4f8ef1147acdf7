// The new-user flow of the e2e layer (run by test/e2e/run.mjs with the example flow): the
// explorer, commands, New Fleet form and walkthrough as a new user meets them, from an empty
// folder: the welcome view → New Context Project → New Fleet of 3 VMs through the webview →
// Build All → the explorer shows the three VMs with their IPs and a fresh context.iso → Show
// ISO Contents → the walkthrough. Screenshots: test-output/e2e/new-user/ always; the README's
// media/screenshots/ with --update-media (dark and light theme, the whole workbench).
// Alone: `node test/e2e/ui-flow.mjs [--update-media]` (after `npm run build`).
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DARK, LIGHT, runFlow } from './harness.mjs';
import { quit } from '../vscode-host/codeServer.mjs';

/** Fails unless the active webview is painted with a light (or dark) editor background. */
async function expectWebviewTheme(s, light) {
  const lum = await s.webviewLuminance();
  if (light ? lum < 0.75 : lum > 0.35) throw new Error(`the webview's background is ${light ? 'not light' : 'not dark'} (luminance ${lum.toFixed(2)})`);
}

const steps = [
  {
    name: 'welcome-view',
    title: 'the welcome view offers New Context Project and Open Example',
    async run(s) {
      const { page } = s;
      await s.see(page.locator('.monaco-workbench'), 'the workbench', 90_000);
      await (await s.see(page.locator('.activitybar .action-item a[aria-label^="VM Context"]'), 'the VM Context icon in the activity bar')).click();
      await s.see(page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'New Context Project' }), 'the New Context Project button');
      // The theme list is complete once the extensions are scanned, i.e. now.
      await s.setTheme(DARK);
      await s.see(page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'Open Example' }), 'the Open Example button');
      await s.shot('welcome-view', { media: true });
    },
  },
  {
    name: 'new-context-project',
    title: 'New Context Project (the welcome view runs the command), flavor Snooze, scaffolds the empty folder; the explorer shows it',
    async run(s) {
      const { page, folder } = s;
      await page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'New Context Project' }).first().click();
      // The command asks which flavor first (Snooze context or cloud-init NoCloud).
      await (await s.see(s.pickRow('Snooze context'), 'the flavor pick offering Snooze context')).click();
      await s.see(page.locator('.tabs-container .tab.active', { hasText: 'network' }), 'common/network opened', 60_000);
      await s.see(s.treeRow('vm1'), 'vm1 in the VM Context tree', 60_000);
      await s.see(s.treeRow('192.168.122.0/24'), 'the subnet next to common/network');
      for (const f of ['vmcontext.json', 'context/post-install', 'context/common/network', 'context/common/routes', 'templates/vm1.xml', 'images/debian-base.raw']) {
        if (!existsSync(join(folder, f))) throw new Error(`${f} was not created`);
      }
    },
  },
  {
    name: 'new-fleet-form',
    title: 'New Fleet: the form previews web1..web3 with free IPs, in dark and light theme',
    async run(s) {
      await s.runCommand('VM Context: New Fleet');
      const form = s.webview();
      await s.see(form.locator('h1', { hasText: 'New fleet' }), 'the New Fleet form', 60_000);
      await s.see(form.locator('table.preview tbody tr', { hasText: 'web3' }), 'web3 in the preview');
      const rows = await form.locator('table.preview tbody tr').allInnerTexts();
      const expected = ['web1\t192.168.122.18', 'web2\t192.168.122.19', 'web3\t192.168.122.20'];
      expected.forEach((e, i) => {
        if (!rows[i]?.startsWith(e)) throw new Error(`preview row ${i + 1} is "${rows[i]}", expected it to start with "${e}"`);
      });
      // A wrong first IP is refused with the core's message, then corrected.
      const ip = form.locator('vscode-textfield#firstIp input');
      await ip.fill('10.0.0.5');
      await s.see(form.locator('vscode-form-helper#firstIp-help', { hasText: "outside the project's network" }), 'the out-of-network message under First IP');
      await ip.fill('192.168.122.18');
      await s.see(form.locator('table.preview tbody tr', { hasText: '192.168.122.20' }), 'the preview back to .18-.20');
      await expectWebviewTheme(s, false);
      await s.shot('fleet-form-dark', { media: true });
      await s.setTheme(LIGHT);
      await expectWebviewTheme(s, true);
      await s.shot('fleet-form-light', { media: true });
      await s.setTheme(DARK);
    },
  },
  {
    name: 'create-fleet',
    title: 'Create writes three templates and opens web1.xml; the explorer lists them with their IPs',
    async run(s) {
      const { page, folder } = s;
      await s.webview().locator('vscode-button#create').click();
      await s.see(page.locator('.tabs-container .tab.active', { hasText: 'web1.xml' }), 'web1.xml opened', 60_000);
      for (const [vm, ip] of [['web1', '192.168.122.18'], ['web2', '192.168.122.19'], ['web3', '192.168.122.20']]) {
        await s.see(s.treeRow(vm).filter({ hasText: ip }), `${vm} with ${ip} in the VM Context tree`);
        if (!existsSync(join(folder, `templates/${vm}.xml`))) throw new Error(`templates/${vm}.xml was not written`);
      }
    },
  },
  {
    name: 'build-all',
    title: 'Build All writes context.iso and the overlays; the explorer shows the VMs with their IPs and a fresh context.iso',
    async run(s) {
      const { page, folder } = s;
      await s.runCommand('VM Context: Build All');
      await s.see(s.treeRow('context.iso').filter({ hasText: 'up to date' }), 'context.iso up to date in the tree', 120_000);
      await s.see(s.treeRow('overlays').filter({ hasText: '4 of 4 built' }), 'the four overlays built', 60_000);
      for (const f of ['build/context.iso', 'build/overlays/web1.qcow2', 'build/overlays/web2.qcow2', 'build/overlays/web3.qcow2']) {
        if (!existsSync(join(folder, f))) throw new Error(`${f} was not written`);
      }
      await s.runCommand('View: Close All Editors');
      await s.clearNotifications();
      await s.widenSideBar(520);
      for (const [vm, ip] of [['web1', '192.168.122.18'], ['web2', '192.168.122.19'], ['web3', '192.168.122.20']]) {
        await s.see(s.treeRow(vm).filter({ hasText: ip }), `${vm} with ${ip} after the build`);
      }
      await s.treeRow('web1').first().locator('.monaco-tl-twistie').click();
      await s.see(s.treeRow('UUID'), 'the details of web1');
      await s.treeRow('overlays').first().locator('.monaco-tl-twistie').click();
      await s.see(s.treeRow('web3.qcow2'), 'the overlays listed');
      await page.waitForTimeout(500);
      await s.shot('explorer-dark', { media: true });
      await s.setTheme(LIGHT);
      await s.shot('explorer-light', { media: true });
      await s.setTheme(DARK);
    },
  },
  {
    name: 'iso-contents',
    title: 'Show ISO Contents lists the Rock Ridge, Joliet and 8.3 names',
    async run(s) {
      await s.runCommand('VM Context: Show ISO Contents');
      await s.see(s.webview().locator('td', { hasText: '/POST_INS.;1' }), 'the 8.3 name of post-install in the preview', 60_000);
      await s.clearNotifications();
      await s.shot('iso-contents', { media: true });
      await s.runCommand('View: Close All Editors');
    },
  },
  {
    name: 'walkthrough',
    title: 'the walkthrough opens at its four steps, with New Context Project, New Fleet and Build All ticked',
    async run(s) {
      const { page } = s;
      await s.clearNotifications();
      await s.runCommand('View: Toggle Primary Side Bar Visibility');
      await s.runCommand('Welcome: Open Walkthrough...');
      const ours = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with VM Context' });
      await (await s.see(ours, 'our walkthrough in the list')).click();
      await s.see(page.locator('.gettingStartedContainer .getting-started-step', { hasText: 'Create a context project' }), 'the first step of the walkthrough', 60_000);
      const count = await page.locator('.gettingStartedContainer .getting-started-step').count();
      if (count !== 4) throw new Error(`the walkthrough has ${count} steps, expected 4`);
      // The steps this flow did are ticked (VS Code marks a done step's checkbox .complete).
      for (const title of ['Create a context project', 'Add a fleet of VMs', 'Build context.iso and the overlays']) {
        const step = page.locator('.gettingStartedContainer .getting-started-step', { hasText: title });
        await s.see(step.locator('.complete'), `the step "${title}" ticked`);
      }
      await page.waitForTimeout(1500);
      await s.shot('walkthrough', { media: true });
    },
  },
];

export const newUserFlow = {
  id: 'new-user',
  title: 'e2e new-user: from an empty folder to a built fleet of 3 (issue 7)',
  prepare() {
    const base = mkdtempSync(join(tmpdir(), 'vmctx-ui-'));
    const folder = join(base, 'my-cluster');
    mkdirSync(folder);
    return { base, folder };
  },
  settings: { 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false },
  steps,
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runFlow(newUserFlow, { updateMedia: process.argv.includes('--update-media') });
  console.log(`${r.passed} passed, ${r.failed} failed`);
  quit(r.failed || !r.passed ? 1 : 0);
}

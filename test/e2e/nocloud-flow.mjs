// The NoCloud flow of the e2e layer (run by test/e2e/run.mjs): a copy of
// examples/nocloud-cluster in code-server; the VM Context view shows its cloud-init files; Build
// All writes a seed per VM and the overlays; the explorer shows the seeds up to date (the README's
// screenshot explorer-nocloud.png with --update-media); Show ISO Contents from a seed's context
// menu lists what that seed holds.
// Alone: `node test/e2e/run.mjs --flow nocloud [--update-media]` (after `npm run build`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample } from '../vscode-host/codeServer.mjs';
import { DARK } from './harness.mjs';

const steps = [
  {
    name: 'nocloud-view',
    title: 'the VM Context view shows the NoCloud project: its cloud-init files, web1 and web2, seeds not built',
    async run(s) {
      const { page } = s;
      await s.see(page.locator('.monaco-workbench'), 'the VS Code workbench', 90_000);
      await (await s.see(page.locator('.activitybar .action-item a[aria-label^="VM Context"]'), 'the VM Context icon in the activity bar', 60_000)).click();
      await s.see(s.treeRow('web2/network-config'), 'web2/network-config under Cloud-init', 60_000);
      // The theme list is complete once the extensions are scanned, i.e. now (as the new-user flow does).
      await s.setTheme(DARK);
      await s.see(s.treeRow('web1').filter({ hasText: '192.168.122.20' }), 'web1 with its IP');
      await s.see(s.treeRow('seeds').filter({ hasText: '0 of 2 built' }), 'seeds "0 of 2 built"');
    },
  },
  {
    name: 'build-all',
    title: 'Build All writes build/seeds/web{1,2}.iso and the overlays; the explorer shows the seeds up to date',
    async run(s) {
      const { page, folder } = s;
      await s.runCommand('VM Context: Build All');
      await s.see(s.treeRow('seeds').filter({ hasText: '2 of 2 built' }), 'seeds "2 of 2 built" in the tree', 120_000);
      await s.see(s.treeRow('overlays').filter({ hasText: '2 of 2 built' }), 'the two overlays built', 60_000);
      for (const f of ['build/seeds/web1.iso', 'build/seeds/web2.iso', 'build/overlays/web1.qcow2', 'build/overlays/web2.qcow2']) {
        if (!existsSync(join(folder, f))) throw new Error(`${f} was not written`);
      }
      if (existsSync(join(folder, 'build/context.iso'))) throw new Error('a NoCloud build wrote build/context.iso');
      await s.runCommand('View: Close All Editors');
      await s.clearNotifications();
      await s.widenSideBar(520);
      await s.treeRow('seeds').first().locator('.monaco-tl-twistie').click();
      for (const seed of ['web1.iso', 'web2.iso']) await s.see(s.treeRow(seed).filter({ hasText: 'up to date' }), `${seed} "up to date" under seeds`);
      // The VM row (its IP), not web2/network-config or web2/meta-data.
      await s.treeRow('192.168.122.21').first().locator('.monaco-tl-twistie').click();
      await s.see(s.treeRow('UUID'), 'the details of web2');
      await page.waitForTimeout(500);
      await s.shot('explorer-nocloud', { media: true });
    },
  },
  {
    name: 'seed-contents',
    title: 'Show ISO Contents from the context menu of web2\'s seed lists user-data, meta-data and network-config',
    async run(s) {
      const { page } = s;
      await s.treeRow('web2.iso').first().click({ button: 'right' });
      await (await s.see(page.locator('.monaco-menu .action-item', { hasText: 'Show ISO Contents' }), 'Show ISO Contents in the seed\'s context menu')).click();
      const preview = s.webview();
      await s.see(preview.locator('h1', { hasText: 'web2.iso (cloud-init seed of web2)' }), 'the title of web2\'s seed listing', 60_000);
      for (const name of ['/USER_DAT.;1', '/META_DAT.;1', '/NETWORK_.;1']) await s.see(preview.locator('td', { hasText: name }), `the 8.3 name ${name}`);
      await s.clearNotifications();
      await s.shot('seed-contents');
      await s.runCommand('View: Close All Editors');
    },
  },
];

export const nocloudFlow = {
  id: 'nocloud',
  title: 'e2e nocloud: the nocloud-cluster example, its seeds built and shown (issue 19)',
  prepare: () => copyExample('nocloud-cluster'),
  settings: { 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false },
  steps,
};

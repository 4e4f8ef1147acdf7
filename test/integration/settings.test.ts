// A change of a vmContext.* setting reaches the extension without a reload.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { services, waitFor } from './helpers';

describe('settings', () => {
  it('a vmContext.* change is read and announced', async () => {
    const s = await services();
    assert.equal(s.settings.current.defaults.isoLabel, 'CONTEXT');
    const seen: string[] = [];
    const sub = s.settings.onDidChange((v) => seen.push(v.defaults.isoLabel));
    const config = vscode.workspace.getConfiguration('vmContext');
    try {
      await config.update('defaults.isoLabel', 'CIDATA', vscode.ConfigurationTarget.Workspace);
      await waitFor('the new isoLabel in the settings snapshot', () => s.settings.current.defaults.isoLabel === 'CIDATA');
      assert.ok(seen.includes('CIDATA'), 'onDidChange did not fire');
      await config.update('build.isoBackend', 'embedded', vscode.ConfigurationTarget.Workspace);
      await waitFor('build.isoBackend', () => s.settings.current.build.isoBackend === 'embedded');
    } finally {
      await config.update('defaults.isoLabel', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('build.isoBackend', undefined, vscode.ConfigurationTarget.Workspace);
      sub.dispose();
    }
    await waitFor('the default isoLabel again', () => s.settings.current.defaults.isoLabel === 'CONTEXT');
  });
});

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

  it("a workspace folder's own vmContext.tools.* apply to the files and projects in it", async () => {
    const s = await services();
    const folder = vscode.workspace.workspaceFolders![0];
    const inside = vscode.Uri.joinPath(folder.uri, 'context', 'post-install');
    const config = vscode.workspace.getConfiguration('vmContext', folder.uri);
    assert.equal(s.settings.forResource(inside).tools.qemuImg, 'qemu-img');
    try {
      await config.update('tools.qemuImg', '/opt/qemu/bin/qemu-img', vscode.ConfigurationTarget.WorkspaceFolder);
      await waitFor('the folder-level tools.qemuImg', () => s.settings.forResource(inside).tools.qemuImg === '/opt/qemu/bin/qemu-img');
      assert.equal(s.settings.forResource(folder.uri.fsPath).tools.qemuImg, '/opt/qemu/bin/qemu-img', 'a project root given as a path');
      assert.equal(s.settings.forResource(vscode.Uri.file('/nonexistent-outside/x')).tools.qemuImg, s.settings.current.tools.qemuImg, 'outside every folder: the window settings');
    } finally {
      await config.update('tools.qemuImg', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
    await waitFor('the default qemuImg again', () => s.settings.forResource(inside).tools.qemuImg === 'qemu-img');
  });
});

// The extension loads in a real VS Code, activates on the example project and contributes its
// commands; the commands run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, projectRoot, services } from './helpers';

describe('extension', () => {
  it('runs in the VS Code this suite targets (1.99, Node 20)', () => {
    assert.match(vscode.version, /^1\.99\./);
    assert.match(process.versions.node, /^20\./);
    assert.equal(vscode.workspace.isTrusted, true);
  });

  it('activates on the example project and finds it', async () => {
    const ext = await activeExtension();
    assert.equal(ext.packageJSON.name, 'vm-context');
    const roots = await ext.exports.projects.projectRoots();
    assert.deepEqual(roots, [projectRoot()]);
  });

  it('registers every command that package.json contributes', async () => {
    await activeExtension();
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed: { command: string }[] = (await activeExtension()).packageJSON.contributes.commands;
    assert.ok(contributed.length >= 2);
    for (const c of contributed) assert.ok(all.has(c.command), `${c.command} is contributed but not registered`);
    assert.ok(all.has('vmContext.project.check'));
    assert.ok(all.has('vmContext.log.show'));
  });

  it('"Show Log" runs and shows the extension log channel', async () => {
    await activeExtension();
    await vscode.commands.executeCommand('vmContext.log.show');
    // The channel is the extension's own; the command must not throw and the channel exists.
    const s = await services();
    assert.equal(s.log.name, 'VM Context');
  });

  it('"Check Project" runs on the example and reports no errors there', async () => {
    await activeExtension();
    const summary = await vscode.commands.executeCommand<{ files: number; errors: number; warnings: number }>('vmContext.project.check');
    assert.ok(summary, 'the command returned no summary');
    assert.equal(typeof summary.files, 'number');
    assert.equal(typeof summary.warnings, 'number');
    const shown = vscode.languages.getDiagnostics().flatMap(([uri, ds]) => ds.map((d) => `${vscode.workspace.asRelativePath(uri)}:${d.range.start.line + 1} ${typeof d.code === 'object' ? d.code.value : d.code}: ${d.message}`));
    assert.equal(summary.errors, 0, `the example has errors: ${JSON.stringify(summary)} ${JSON.stringify(shown)}`);
  });
});

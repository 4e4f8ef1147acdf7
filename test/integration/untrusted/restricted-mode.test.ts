// Runs only in the session opened WITHOUT workspace trust (Restricted Mode). The extension
// declares limited support: checks work, but nothing may start a process, and the workspace's
// tool paths (restrictedConfigurations) are ignored. Features that add commands, tasks or
// builds: add their "nothing runs" assertions here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, diagnosticsWithCode, projectUri, replaceInDocument, revertAndCloseAll, services, waitFor } from '../helpers';

type Spawner = 'spawn' | 'spawnSync' | 'exec' | 'execSync' | 'execFile' | 'execFileSync' | 'fork';
const spawners: Spawner[] = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];

/** Records the child_process calls made by the extension's code (VS Code's own are not its). */
function recordProcesses(extensionPath: string): { calls: string[]; restore: () => void } {
  const calls: string[] = [];
  // The module object itself (an ESM namespace has getters only): the one the extension calls.
  const cp = createRequire(__filename)('node:child_process') as Record<Spawner, (...a: unknown[]) => unknown>;
  const originals = spawners.map((name) => [name, cp[name]] as const);
  for (const [name, original] of originals) {
    cp[name] = function (this: unknown, ...args: unknown[]) {
      const stack = new Error().stack ?? '';
      if (stack.includes(extensionPath)) calls.push(`${name} ${String(args[0])}\n${stack}`);
      return original.apply(this, args);
    };
  }
  return { calls, restore: () => originals.forEach(([name, original]) => (cp[name] = original)) };
}

/** PIDs and command lines of the live child processes of this extension host (Linux). */
function childPids(): string[] {
  if (process.platform !== 'linux') return [];
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (ppid === String(process.pid)) out.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

function withTimeout<T>(p: Thenable<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([Promise.resolve(p), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);
}

describe('untrusted workspace (Restricted Mode)', () => {
  afterEach(revertAndCloseAll);

  it('the workspace is not trusted and the extension still activates', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    await activeExtension();
  });

  it('diagnostics still work', async () => {
    await activeExtension();
    const uri = projectUri('templates', 'debian1.xml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await replaceInDocument(doc, '<name>debian1</name>', '<name>debian1</nam>');
    await waitFor('xml-malformed in Restricted Mode', () => diagnosticsWithCode(uri, 'xml-malformed').length > 0);
  });

  it('tool paths from the workspace settings are ignored (restrictedConfigurations)', async () => {
    const s = await services();
    // The runner wrote these into the copy's .vscode/settings.json before opening it.
    assert.equal(vscode.workspace.getConfiguration('vmContext').inspect('tools.genisoimage')?.workspaceValue, undefined, 'Restricted Mode let a workspace tool path through');
    assert.equal(s.settings.current.tools.genisoimage, 'genisoimage');
    assert.equal(s.settings.current.tools.qemuImg, 'qemu-img');
  });

  it('no command or task of the extension starts a process', async function () {
    this.timeout(120_000);
    const ext = await activeExtension();
    const before = new Set(childPids());
    const rec = recordProcesses(path.join(ext.extensionPath, 'dist'));
    try {
      const ids: string[] = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
      for (const id of ids) {
        // A command that asks for input would wait forever: give each a few seconds, then dismiss.
        await withTimeout(vscode.commands.executeCommand(id), 3_000).catch(() => undefined);
        await withTimeout(vscode.commands.executeCommand('workbench.action.closeQuickOpen'), 2_000);
      }
      // Restricted Mode may hold the task system back; a listing that never comes runs nothing.
      const fetched = await withTimeout(vscode.tasks.fetchTasks(), 10_000);
      const tasks = (fetched === 'timeout' ? [] : fetched).filter((t) => t.source === 'VM Context' || /^vm-?context|^vmctx/i.test(t.definition.type));
      for (const t of tasks) {
        const r = await withTimeout(vscode.tasks.executeTask(t), 5_000).catch((e: unknown) => e);
        assert.ok(r instanceof Error || r === 'timeout' || r === undefined, `task ${t.name} started in Restricted Mode`);
      }
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      rec.restore();
    }
    assert.deepEqual(rec.calls, [], 'the extension called child_process in Restricted Mode');
    // VS Code's own helpers are not ours: a built-in extension's language server (from its appRoot)
    // and the extension host's port finder, which polls `ls -l /proc/[0-9]*/fd/[0-9]* | grep socket:`
    // even with remote.autoForwardPorts off in code-server.
    const vsCodeOwn = (p: string) => p.includes(vscode.env.appRoot) || /\/bin\/sh -c ls -l \/proc\/\[0-9\]\*\/fd\//.test(p);
    const started = childPids().filter((p) => !before.has(p) && !vsCodeOwn(p));
    assert.deepEqual(started, [], 'a process was started in Restricted Mode');
  });
});

// The `vmcontext` TaskProvider: four tasks per project, "Build all" writes context.iso and the
// overlays, "Check project" fails on a broken file, with the $vmcontext problem matcher attached.
// (What the matcher reports is not visible through languages.getDiagnostics here: the e2e
// example flow's check-project-task step sees it in the Problems panel.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activeExtension, projectRoot, projectUri, runTask, services, vmcontextTasks } from './helpers';

describe('tasks', () => {
  before(activeExtension);

  it('the TaskProvider lists the four vmcontext tasks of the project', async () => {
    const tasks = await vmcontextTasks();
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['Build all', 'Build context.iso', 'Check project', 'Create overlays']);
    for (const t of tasks) {
      assert.equal(t.source, 'VM Context');
      assert.equal((t.scope as vscode.WorkspaceFolder).uri.fsPath, vscode.workspace.workspaceFolders![0].uri.fsPath);
    }
    const check = tasks.find((t) => t.name === 'Check project')!;
    assert.deepEqual(check.problemMatchers, ['$vmcontext']);
    assert.equal(check.group?.id, vscode.TaskGroup.Test.id);
    assert.equal(tasks.find((t) => t.name === 'Build all')!.group?.id, vscode.TaskGroup.Build.id);
  });

  it('"Build all" writes build/context.iso and build/overlays/debian{1,2,3}.qcow2', async () => {
    assert.ok(fs.existsSync(projectUri('images', 'debian-base.raw').fsPath), 'the example copy has no base image');
    fs.rmSync(projectUri('build').fsPath, { recursive: true, force: true });
    const task = (await vmcontextTasks()).find((t) => t.name === 'Build all');
    assert.ok(task, 'no "Build all" task');
    const code = await runTask(task);
    assert.equal(code, 0, 'Build all exited with an error (see the VM Context log)');
    const iso = projectUri('build', 'context.iso').fsPath;
    assert.ok(fs.existsSync(iso), 'build/context.iso was not written');
    // An ISO 9660 image: "CD001" at the primary volume descriptor (sector 16, offset 1).
    const head = Buffer.alloc(6);
    const fd = fs.openSync(iso, 'r');
    fs.readSync(fd, head, 0, 6, 16 * 2048);
    fs.closeSync(fd);
    assert.equal(head.subarray(1, 6).toString('latin1'), 'CD001');
    for (const vm of ['debian1', 'debian2', 'debian3']) {
      const overlay = projectUri('build', 'overlays', `${vm}.qcow2`).fsPath;
      assert.ok(fs.existsSync(overlay), `build/overlays/${vm}.qcow2 was not written`);
      const magic = fs.readFileSync(overlay).subarray(0, 4);
      assert.equal(magic.toString('latin1'), 'QFI\xfb', `${vm}.qcow2 is not a qcow2 image`);
    }
  });

  it('"Check project" exits 1 on a broken template that is not open, 0 once it is repaired', async () => {
    const check = (await vmcontextTasks()).find((t) => t.name === 'Check project')!;
    const uri = projectUri('templates', 'debian2.xml');
    const original = fs.readFileSync(uri.fsPath, 'utf8');
    try {
      fs.writeFileSync(uri.fsPath, original.replace('<name>debian2</name>', '<name>debian2</nmae>'));
      assert.equal(await runTask(check), 1, 'Check project did not fail on the broken debian2.xml');
    } finally {
      fs.writeFileSync(uri.fsPath, original);
    }
    assert.equal(await runTask(check), 0, 'Check project failed on the repaired example');
  });

  it('"Check project" checks the files as they are when it starts, not as the last reload saw them', async () => {
    // The file watcher reloads a project 150 ms after it hears of a change, later on a loaded
    // machine (its events come late): held back here, as if the task had started before it.
    const { projects } = await services();
    const pending = (projects as unknown as { pending: { schedule(key: string, run: () => void): void } }).pending;
    const held: (() => void)[] = [];
    pending.schedule = (_key, run) => void held.push(run);
    const check = (await vmcontextTasks()).find((t) => t.name === 'Check project')!;
    const added = projectUri('templates', 'debian9.xml');
    try {
      await projects.get(projectRoot());
      // A fourth VM with debian1's name and MAC: two errors the project as last loaded cannot see.
      fs.writeFileSync(added.fsPath, fs.readFileSync(projectUri('templates', 'debian1.xml').fsPath));
      assert.equal(await runTask(check), 1, 'Check project passed a new template that repeats debian1.xml');
    } finally {
      delete (pending as { schedule?: unknown }).schedule; // the class's own method again
      fs.rmSync(added.fsPath, { force: true });
      for (const run of held) run();
    }
    assert.equal(await runTask(check), 0, 'Check project failed once the copy was removed');
  });
});

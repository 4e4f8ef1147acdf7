// Whole-project checks with unsaved texts (overlays) and the background scheduler the
// extension drives: every file's problems, open or not, the same set `vmctx check` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { decodeText } from '../../../src/core/common/fileSystem';
import { loadProject } from '../../../src/core/project/load';
import { checkProject, type TextReader } from '../../../src/core/validation/checkProject';
import { ProjectCheckScheduler, TextCache } from '../../../src/core/validation/checkScheduler';
import { defaultSettings } from '../../../src/core/settings';
import type { FileDiagnostics } from '../../../src/core/common/diagnostic';
import { copyExample, remove, tempDir, testSchemas, writeTree } from '../helpers/tempProject';

const readDisk: TextReader = async (f) => decodeText(await nodeFileSystem.readFile(f));
const codesOf = (results: FileDiagnostics[], root: string) =>
  results.flatMap((r) => r.diagnostics.map((d) => `${path.relative(root, r.file)}:${d.range.start.line}:${d.code}`)).sort();

test('an unsaved common/network puts every unopened template outside: the same set as after saving it', async () => {
  const dir = copyExample();
  try {
    const network = path.join(dir, 'context/common/network');
    const moved = readFileSync(network, 'utf8').replace(/192\.168\.122\./g, '10.20.0.');
    const project = await loadProject(nodeFileSystem, dir);
    const unsaved = await checkProject(project, readDisk, defaultSettings, testSchemas, { overlays: new Map([[network, moved]]) });
    const outside = unsaved.filter((r) => r.diagnostics.some((d) => d.code === 'domain-mac-ip-outside-network')).map((r) => path.relative(dir, r.file));
    assert.deepEqual(outside, ['templates/debian1.xml', 'templates/debian2.xml', 'templates/debian3.xml']);

    writeFileSync(network, moved);
    const saved = await checkProject(await loadProject(nodeFileSystem, dir), readDisk, defaultSettings, testSchemas);
    assert.deepEqual(codesOf(unsaved, dir), codesOf(saved, dir));
  } finally {
    remove(dir);
  }
});

test("an unsaved template taking another's MAC: both templates get domain-mac-duplicate", async () => {
  const dir = copyExample();
  try {
    const t3 = path.join(dir, 'templates/debian3.xml');
    const text = readFileSync(t3, 'utf8').replace("<mac address='00:16:c0:a8:7a:13'/>", "<mac address='00:16:c0:a8:7a:12'/>");
    const results = await checkProject(await loadProject(nodeFileSystem, dir), readDisk, defaultSettings, testSchemas, { overlays: new Map([[t3, text]]) });
    const dup = results.filter((r) => r.diagnostics.some((d) => d.code === 'domain-mac-duplicate')).map((r) => path.relative(dir, r.file));
    assert.deepEqual(dup, ['templates/debian2.xml', 'templates/debian3.xml']);
  } finally {
    remove(dir);
  }
});

test('an aborted check stops between files with an AbortError, and pauses between files', async () => {
  const dir = copyExample();
  try {
    const project = await loadProject(nodeFileSystem, dir);
    const controller = new AbortController();
    let pauses = 0;
    await assert.rejects(
      checkProject(project, readDisk, defaultSettings, testSchemas, {
        signal: controller.signal,
        pause: async () => {
          pauses++;
          controller.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.equal(pauses, 1, 'the check went on after the abort');
  } finally {
    remove(dir);
  }
});

/** A project of `n` templates on 10.0.0.0/16, addressed by MAC. */
function bigProject(n: number): string {
  const files: Record<string, string> = {
    'vmcontext.json': JSON.stringify({ addressing: 'mac' }),
    'context/post-install': '#!/bin/sh\n',
    'context/common/network': 'NETWORK=10.0.0.0\nNETMASK=255.255.0.0\nGATEWAY=10.0.0.1\n',
  };
  for (let i = 0; i < n; i++) {
    const mac = `00:16:0a:00:${((i + 10) >> 8).toString(16).padStart(2, '0')}:${((i + 10) & 255).toString(16).padStart(2, '0')}`;
    files[`templates/vm${i}.xml`] = `<domain type='kvm'>\n  <name>vm${i}</name>\n  <memory unit='MiB'>512</memory>\n  <os><type arch='x86_64'>hvm</type></os>\n  <devices>\n    <interface type='bridge'>\n      <mac address='${mac}'/>\n      <source bridge='virbr0'/>\n    </interface>\n  </devices>\n</domain>\n`;
  }
  return writeTree(tempDir('vmctx-big-'), files);
}

function harness(dir: string, delayMs = 5) {
  const overlays = new Map<string, string>();
  const publishes: FileDiagnostics[][] = [];
  let loads = 0;
  const texts = new TextCache(readDisk);
  const scheduler = new ProjectCheckScheduler(
    {
      project: (root) => {
        loads++;
        return loadProject(nodeFileSystem, root);
      },
      overlays: () => overlays,
      read: texts.read,
      settings: () => defaultSettings,
      schemas: testSchemas,
    },
    { publish: (_root, results) => publishes.push(results) },
    { delayMs, sliceMs: 0 },
  );
  return { scheduler, overlays, publishes, loads: () => loads };
}

test('the scheduler: a burst of edits gives one check with the last text; idle() waits for it', async () => {
  const dir = bigProject(20);
  const h = harness(dir);
  try {
    const network = path.join(dir, 'context/common/network');
    for (const net of ['10.1.0.0', '10.2.0.0', '10.3.0.0']) {
      h.overlays.set(network, `NETWORK=${net}\nNETMASK=255.255.0.0\n`);
      h.scheduler.request(dir);
    }
    await h.scheduler.idle();
    assert.equal(h.publishes.length, 1, 'each keystroke published a check');
    const messages = h.publishes[0].flatMap((r) => r.diagnostics.filter((d) => d.code === 'domain-mac-ip-outside-network').map((d) => d.message));
    assert.equal(messages.length, 20);
    assert.ok(messages.every((m) => m.includes('10.3.0.0/16')), messages[0]);
  } finally {
    h.scheduler.dispose();
    remove(dir);
  }
});

test('the scheduler: a newer edit cancels the running check, only the newer result is published', async () => {
  const dir = bigProject(60);
  const h = harness(dir, 0);
  try {
    const network = path.join(dir, 'context/common/network');
    h.overlays.set(network, 'NETWORK=10.1.0.0\nNETMASK=255.255.0.0\nGATEWAY=10.1.0.1\n');
    h.scheduler.request(dir);
    // Once the first run has started (it asked for the project), change the text and ask again.
    while (h.loads() === 0) await new Promise((r) => setTimeout(r, 1));
    h.overlays.set(network, 'NETWORK=10.0.0.0\nNETMASK=255.255.0.0\nGATEWAY=10.0.0.1\n');
    h.scheduler.request(dir);
    await h.scheduler.idle();
    assert.equal(h.loads(), 2, 'the second request did not run');
    assert.equal(h.publishes.length, 1, 'the cancelled run was published too');
    assert.deepEqual(h.publishes[0], [], 'the cancelled run (every VM outside 10.1.0.0/16) was published');
  } finally {
    h.scheduler.dispose();
    remove(dir);
  }
});

test('the scheduler: checkNow (Check Project) is not cancelled by a change meanwhile; the change is checked after it', async () => {
  const dir = bigProject(60);
  const h = harness(dir, 0);
  try {
    const network = path.join(dir, 'context/common/network');
    h.overlays.set(network, 'NETWORK=10.1.0.0\nNETMASK=255.255.0.0\nGATEWAY=10.1.0.1\n');
    const now = h.scheduler.checkNow(dir);
    while (h.loads() === 0) await new Promise((r) => setTimeout(r, 1));
    h.overlays.set(network, 'NETWORK=10.0.0.0\nNETMASK=255.255.0.0\nGATEWAY=10.0.0.1\n');
    h.scheduler.request(dir);
    // Resolves (no AbortError) with what it published.
    const results = await now;
    await h.scheduler.idle();
    assert.equal(h.publishes.length, 2, 'Check Project or the change after it was not published');
    assert.equal(h.publishes[0], results);
    assert.deepEqual(h.publishes[1], [], 'the change made during Check Project was not checked after it');
  } finally {
    h.scheduler.dispose();
    remove(dir);
  }
});

test('the scheduler yields to the event loop while it checks', async () => {
  const dir = bigProject(40);
  const h = harness(dir, 0);
  try {
    let ticks = 0;
    let on = true;
    const tick = () => {
      ticks++;
      if (on) setImmediate(tick);
    };
    setImmediate(tick);
    const before = ticks;
    await h.scheduler.checkNow(dir);
    on = false;
    // 40 templates with sliceMs 0: at least one turn of the loop per file.
    assert.ok(ticks - before >= 40, `the event loop ran ${ticks - before} times during the check`);
  } finally {
    h.scheduler.dispose();
    remove(dir);
  }
});

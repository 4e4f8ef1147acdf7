// Every quick fix the core offers on the fixture projects, applied and re-checked: a fix must
// remove a problem and never bring one (e.g. "Put the CD-ROM on bus 'ide'" on a q35 machine,
// which has no IDE). The fixes are applied as the editor would: edits over the unsaved texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { decodeText } from '../../../src/core/common/fileSystem';
import { loadProject } from '../../../src/core/project/load';
import { checkProject, type TextReader } from '../../../src/core/validation/checkProject';
import { defaultSettings } from '../../../src/core/settings';
import type { FileDiagnostics, Fix } from '../../../src/core/common/diagnostic';
import { applyEdits } from '../network/helpers';
import { repoRoot, testSchemas } from '../helpers/tempProject';

const fixtures = path.join(repoRoot, 'test/fixtures/projects');
const projects = readdirSync(fixtures, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
const readDisk: TextReader = async (f) => decodeText(await nodeFileSystem.readFile(f));

/** "file code" → how many times, over the whole project. */
function tally(results: FileDiagnostics[], root: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of results) for (const d of r.diagnostics) {
    const key = `${path.relative(root, r.file)} ${d.code}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

test('the fixture projects exist and each has problems with quick fixes', () => {
  assert.deepEqual(projects, ['faulty-network', 'faulty-templates', 'moved-network']);
});

for (const name of projects) {
  test(`every quick fix of ${name} removes a problem and brings none`, async () => {
    const root = path.join(fixtures, name);
    const project = await loadProject(nodeFileSystem, root);
    const before = await checkProject(project, readDisk, defaultSettings, testSchemas);
    const fixes: Array<{ file: string; code: string; fix: Fix }> = [];
    const seen = new Set<string>();
    for (const r of before) for (const d of r.diagnostics) for (const fix of d.fixes ?? []) {
      // The same fix on several diagnostics (Move N VMs) is tried once.
      const key = JSON.stringify(fix.edits.map((e) => [e.file ?? r.file, e.range, e.newText]));
      if (!seen.has(key)) fixes.push({ file: r.file, code: d.code, fix });
      seen.add(key);
    }
    assert.ok(fixes.length >= 3, `${name}: only ${fixes.length} quick fixes to try`);
    const counts = tally(before, root);
    const failures: string[] = [];
    for (const { file, code, fix } of fixes) {
      const byFile = new Map<string, typeof fix.edits>();
      for (const e of fix.edits) byFile.set(e.file ?? file, [...(byFile.get(e.file ?? file) ?? []), e]);
      const overlays = new Map<string, string>();
      for (const [f, edits] of byFile) overlays.set(f, applyEdits((await readDisk(f))!, edits));
      const after = tally(await checkProject(project, readDisk, defaultSettings, testSchemas, { overlays }), root);
      const what = `"${fix.title}" (${path.relative(root, file)} ${code})`;
      for (const [key, n] of after) if (n > (counts.get(key) ?? 0)) failures.push(`${what} brought ${key} (${counts.get(key) ?? 0} → ${n})`);
      const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      if (total(after) >= total(counts)) failures.push(`${what} removed no problem`);
    }
    assert.deepEqual(failures, [], `${fixes.length} fixes tried`);
  });
}

test("a CD-ROM on virtio of a q35 machine is offered 'sata' only; of a pc machine 'ide' first", async () => {
  const root = path.join(fixtures, 'faulty-templates');
  const results = await checkProject(await loadProject(nodeFileSystem, root), readDisk, defaultSettings, testSchemas);
  const titles = (file: string) =>
    results.find((r) => r.file === path.join(root, 'templates', file))!.diagnostics.find((d) => d.code === 'domain-cdrom-bus')!.fixes!.map((f) => f.title);
  assert.deepEqual(titles('q35-virtio-cdrom.xml'), ["Put the CD-ROM on bus 'sata' as 'sda'"]);
  assert.deepEqual(titles('pc-virtio-cdrom.xml'), ["Put the CD-ROM on bus 'ide' as 'hda'", "Put the CD-ROM on bus 'sata' as 'sda'"]);
});

test('the VMs left outside a changed network move in with one fix: free addresses, MACs encoding them', async () => {
  const root = path.join(fixtures, 'moved-network');
  const results = await checkProject(await loadProject(nodeFileSystem, root), readDisk, defaultSettings, testSchemas);
  const outside = results.flatMap((r) => r.diagnostics.filter((d) => d.code === 'domain-mac-ip-outside-network').map((d) => ({ file: r.file, d })));
  assert.equal(outside.length, 2);
  for (const { d } of outside) {
    const move = d.fixes![0];
    assert.equal(move.title, 'Move 2 VMs into 10.20.0.0/24');
    assert.equal(move.preferred, true);
    // .1 is the gateway (and name server), .2 is vm3's: .3 and .4 are the next free.
    assert.deepEqual(
      move.edits.map((e) => [path.basename(e.file!), e.newText]),
      [
        ['vm1.xml', '00:16:0a:14:00:03'],
        ['vm2.xml', '00:16:0a:14:00:04'],
      ],
    );
  }
});

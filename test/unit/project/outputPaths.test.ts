// output-path-conflict for NoCloud projects: the seeds folder and each seed against the
// cloud-init/ folder, the context folder, the inputs and the other outputs. Pure cases on
// outputConflicts, then a copy of examples/nocloud-cluster: the check puts the conflict on
// "output.seeds" in the manifest, the build refuses and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { outputConflicts, type InputPaths, type OutputPaths } from '../../../src/core/project/outputPaths';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { build } from '../../../src/core/build/buildEngine';
import { buildInputsFromProject } from '../../../src/core/build/buildInputs';
import { remove, repoRoot, tempDir } from '../helpers/tempProject';

const P = '/p';
const inputs: InputPaths = { projectDir: P, contextDir: `${P}/context`, cloudInitDir: `${P}/cloud-init`, baseImage: `${P}/images/base.raw`, files: [`${P}/templates/web1.xml`, `${P}/vmcontext.json`] };
const outputs = (seedsDir: string, vms = ['web1', 'web2'], more: Partial<OutputPaths> = {}): OutputPaths => ({
  iso: `${P}/build/context.iso`, stateFile: `${P}/build/.vmcontext-build.json`, overlaysDir: `${P}/build/overlays`,
  overlays: vms.map((vm) => ({ vm, path: `${P}/build/overlays/${vm}.qcow2` })),
  seedsDir, seeds: vms.map((vm) => ({ vm, path: `${seedsDir}/${vm}.iso` })),
  ...more,
});
const messages = (out: OutputPaths, inp = inputs) => outputConflicts(out, inp).map((c) => `${c.setting}${c.vm ? `:${c.vm}` : ''}: ${c.message}`);

test('the default layout (build/seeds) has no conflict', () => {
  assert.deepEqual(messages(outputs(`${P}/build/seeds`)), []);
});

const CASES: Array<[string, OutputPaths, RegExp]> = [
  ['seeds folder inside cloud-init/', outputs(`${P}/cloud-init/seeds`), /^seeds: the seeds folder cloud-init\/seeds\/ lies inside the cloud-init folder cloud-init\/: the project would read what it holds as seed files/],
  ['seeds folder = cloud-init/', outputs(`${P}/cloud-init`), /^seeds: the seeds folder cloud-init\/ lies inside the cloud-init folder cloud-init\//],
  ['seeds folder inside the context folder', outputs(`${P}/context/seeds`), /^seeds: the seeds folder context\/seeds\/ lies inside the context folder context\/: the next ISO would pack/],
  ['seeds folder on the manifest', outputs(`${P}/vmcontext.json`), /^seeds: the seeds folder vmcontext\.json\/ would be made where vmcontext\.json is/],
  ['seeds folder on a template', outputs(`${P}/templates/web1.xml`), /^seeds: the seeds folder templates\/web1\.xml\/ would be made where templates\/web1\.xml is/],
  ['seeds folder on the base image', outputs(`${P}/images/base.raw`), /^seeds: the seeds folder images\/base\.raw\/ would be made where the base image images\/base\.raw is/],
  ['a seed on the build record', outputs(`${P}/build`, [], { seeds: [{ vm: 'x', path: `${P}/build/.vmcontext-build.json` }] }), /^iso:x: the build record build\/\.vmcontext-build\.json and the seed of x \(build\/\.vmcontext-build\.json\) are the same file/],
  ['two seeds on one file', outputs(`${P}/build/seeds`, [], { seeds: [{ vm: 'a', path: `${P}/build/seeds/a.iso` }, { vm: 'b', path: `${P}/build/seeds/a.iso` }] }), /^seeds:a: the seed of a \(build\/seeds\/a\.iso\) and the seed of b \(build\/seeds\/a\.iso\) are the same file/],
  ['a seed holding the cloud-init folder', outputs(`${P}`, ['cloud-init'], { seeds: [{ vm: 'x', path: `${P}/cloud-init` }] }), /^seeds:x: the seed of x \(cloud-init\) lies inside the cloud-init folder cloud-init\/: it would overwrite a seed file or be read as one/],
  ['the overlays folder inside cloud-init/', outputs(`${P}/build/seeds`, ['web1'], { overlaysDir: `${P}/cloud-init/web1`, overlays: [{ vm: 'web1', path: `${P}/cloud-init/web1/web1.qcow2` }] }), /^overlays: the overlays folder cloud-init\/web1\/ lies inside the cloud-init folder cloud-init\//],
  ['the ISO inside cloud-init/', outputs(`${P}/build/seeds`, ['web1'], { iso: `${P}/cloud-init/user-data` }), /^iso: the ISO cloud-init\/user-data lies inside the cloud-init folder cloud-init\/: it would overwrite a seed file/],
  ['a VM name leaving the seeds folder', outputs(`${P}/build/seeds`, [], { seeds: [{ vm: '../../cloud-init/user-data', path: `${P}/build/seeds/../../cloud-init/user-data.iso` }] }), /^name:\.\.\/\.\.\/cloud-init\/user-data: the VM name "\.\.\/\.\.\/cloud-init\/user-data" makes its seed .* leave the seeds folder build\/seeds\/: a VM name must not contain "\/"/],
];

for (const [what, out, expected] of CASES) {
  test(`output-path-conflict: ${what}`, () => {
    const found = messages(out);
    assert.ok(found.some((m) => expected.test(m)), found.join('\n') || '(no conflict)');
  });
}

test('a Snooze project (no cloud-init folder, no seeds) keeps its cases: the overlays folder inside the context folder', () => {
  const snooze = { ...inputs, cloudInitDir: undefined };
  const out = { ...outputs(`${P}/build/seeds`), seedsDir: undefined, seeds: undefined, overlaysDir: `${P}/context/overlays`, overlays: [] };
  assert.deepEqual(messages(out, snooze), ['overlays: the overlays folder context/overlays/ lies inside the context folder context/: the next ISO would pack what it holds; put it outside, e.g. "build/overlays"']);
});

test('NoCloud example with "output.seeds": "cloud-init/seeds": the check marks the setting, the build refuses and writes nothing', async () => {
  const dir = tempDir();
  try {
    cpSync(path.join(repoRoot, 'examples/nocloud-cluster'), dir, { recursive: true, filter: (src) => !/[\\/]build$/.test(src) });
    const manifest = path.join(dir, 'vmcontext.json');
    const text = readFileSync(manifest, 'utf8').replace('"flavor": "nocloud",', '"flavor": "nocloud",\n  "output": { "seeds": "cloud-init/seeds" },');
    writeFileSync(manifest, text);
    const project = await loadProject(nodeFileSystem, dir);
    const found = project.diagnostics.filter((d) => d.diagnostic.code === 'output-path-conflict');
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0].file, manifest);
    assert.match(found[0].diagnostic.message, /the seeds folder cloud-init\/seeds\/ lies inside the cloud-init folder cloud-init\//);
    const line = text.split('\n')[found[0].diagnostic.range.start.line];
    assert.match(line, /"seeds": "cloud-init\/seeds"/, 'the diagnostic sits on output.seeds');

    const result = await build(buildInputsFromProject(project), { only: 'iso' });
    assert.equal(result.ok, false);
    assert.deepEqual(result.outcomes, []);
    assert.ok(result.problems.some((p) => p.code === 'output-path-conflict' && p.file === path.join(dir, 'cloud-init/seeds')), JSON.stringify(result.problems));
    assert.ok(!existsSync(path.join(dir, 'cloud-init/seeds')), 'a refused build wrote seeds');
    assert.ok(!existsSync(path.join(dir, 'build')), 'a refused build wrote its record');
  } finally {
    remove(dir);
  }
});

// outputConflicts looks paths up in maps instead of comparing every pair (1,000 VMs): it must say
// exactly what the plain pairwise comparison through isInside says, in the same order. The
// specification below is the pairwise version it replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { displayPath, isInside } from '../../../src/core/common/paths';
import { leavesFolder, outputConflicts, type InputPaths, type OutputConflict, type OutputPaths, type OutputSetting } from '../../../src/core/project/outputPaths';

interface Place {
  path: string;
  what: string;
  setting: OutputSetting;
  vm?: string;
}

const same = (a: string, b: string) => path.resolve(a) === path.resolve(b);

function pairwise(out: OutputPaths, inp: InputPaths): OutputConflict[] {
  const show = (p: string) => displayPath(inp.projectDir, p);
  const conflicts: OutputConflict[] = [];
  const add = (setting: OutputSetting, message: string, vm?: string) => {
    if (!conflicts.some((c) => c.message === message)) conflicts.push({ setting, vm, message });
  };

  const outputs: Place[] = [];
  if (out.iso) outputs.push({ path: out.iso, what: `the ISO ${show(out.iso)}`, setting: 'iso' });
  if (out.stateFile) outputs.push({ path: out.stateFile, what: `the build record ${show(out.stateFile)}`, setting: 'iso' });
  // Overlays and seeds: one file per VM in its folder, named after the VM.
  const perVm = (files: Array<{ vm: string; path: string }>, dir: string | undefined, kind: 'overlay' | 'seed', setting: 'overlays' | 'seeds') => {
    for (const o of files) {
      // A name like `../../x` or `a/b` would put the file elsewhere: it is not written at all.
      if (dir && leavesFolder(dir, o.path)) {
        add('name', `the VM name "${o.vm}" makes its ${kind} ${o.path} leave the ${kind}s folder ${show(dir)}/: a VM name must not contain "/"`, o.vm);
        continue;
      }
      outputs.push({ path: o.path, what: `the ${kind} of ${o.vm} (${show(o.path)})`, setting: dir ? setting : 'name', vm: o.vm });
    }
  };
  perVm(out.overlays, out.overlaysDir, 'overlay', 'overlays');
  perVm(out.seeds ?? [], out.seedsDir, 'seed', 'seeds');

  const context = `the context folder ${show(inp.contextDir)}/`;
  const cloudInit = inp.cloudInitDir && `the cloud-init folder ${show(inp.cloudInitDir)}/`;
  const folders: Place[] = [
    ...(out.overlaysDir ? [{ path: out.overlaysDir, what: `the overlays folder ${show(out.overlaysDir)}/`, setting: 'overlays' as const }] : []),
    ...(out.seedsDir ? [{ path: out.seedsDir, what: `the seeds folder ${show(out.seedsDir)}/`, setting: 'seeds' as const }] : []),
  ];
  const inputs: Place[] = [
    ...(inp.baseImage ? [{ path: inp.baseImage, what: `the base image ${show(inp.baseImage)}`, setting: 'iso' as const }] : []),
    ...inp.files.map((f) => ({ path: f, what: show(f), setting: 'iso' as const })),
  ];
  // A folder in the wrong place is one conflict, not one more per file it would hold.
  const badFolders = new Set<OutputSetting>();
  const folderConflict = (f: Place, message: string) => (badFolders.add(f.setting), add(f.setting, message));
  for (const f of folders) {
    // A folder on (or below) an input file: the build could not create it, or would replace the file.
    for (const input of inputs) if (isInside(input.path, f.path)) folderConflict(f, `${f.what} would be made where ${input.what} is`);
    if (isInside(inp.contextDir, f.path)) folderConflict(f, `${f.what} lies inside ${context}: the next ISO would pack what it holds; put it outside, e.g. "build/${f.setting}"`);
    if (inp.cloudInitDir && isInside(inp.cloudInitDir, f.path)) folderConflict(f, `${f.what} lies inside ${cloudInit}: the project would read what it holds as seed files; put it outside, e.g. "build/${f.setting}"`);
  }
  for (const [i, o] of outputs.entries()) {
    if (badFolders.has(o.setting)) continue;
    if (isInside(inp.contextDir, o.path)) {
      add(o.setting, `${o.what} lies inside ${context}: it would overwrite an input or be packed into the next ISO; put outputs outside it, e.g. "build/context.iso"`, o.vm);
    } else if (isInside(o.path, inp.contextDir)) add(o.setting, `${o.what} is a folder holding ${context}`, o.vm);
    if (inp.cloudInitDir) {
      if (isInside(inp.cloudInitDir, o.path)) add(o.setting, `${o.what} lies inside ${cloudInit}: it would overwrite a seed file or be read as one; put outputs outside it, e.g. "build/seeds"`, o.vm);
      else if (isInside(o.path, inp.cloudInitDir)) add(o.setting, `${o.what} is a folder holding ${cloudInit}`, o.vm);
    }
    if (isInside(o.path, inp.projectDir)) add(o.setting, `${o.what} is the project folder or a folder holding it`, o.vm);
    for (const input of inputs) {
      if (same(o.path, input.path)) add(o.setting, `${o.what} would overwrite ${input.what}`, o.vm);
      else if (isInside(o.path, input.path)) add(o.setting, `${o.what} is a folder holding ${input.what}`, o.vm);
    }
    for (const other of outputs.slice(i + 1)) {
      if (same(o.path, other.path)) add(o.setting === 'iso' ? o.setting : other.setting, `${o.what} and ${other.what} are the same file: one would overwrite the other`, o.vm ?? other.vm);
      else if (isInside(o.path, other.path) || isInside(other.path, o.path)) add(o.setting, `${o.what} and ${other.what} lie inside one another`, o.vm ?? other.vm);
    }
  }
  return conflicts;
}

/** A small deterministic generator, so a failure can be replayed from its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const P = '/p';
// Paths that collide often: equal, nested, spelled with `.`, `..` and trailing slashes.
const SPOTS = ['/p', '/p/', '/p/build', '/p/build/', '/p/build/overlays', '/p/build/seeds', '/p/build/context.iso', '/p/context', '/p/context/x', '/p/cloud-init', '/p/cloud-init/web1', '/p/./templates', '/p/templates', '/p/templates/a.xml', '/p/templates/../templates/b.xml', '/p/images', '/p/images/base.raw', '/p/vmcontext.json', '/', '/q', '/p2', '/p/build/overlays/a.qcow2', '/p/build/seeds/a.iso'];
const NAMES = ['a', 'b', 'c', 'a', '../a', 'x/y', '..', '.', 'base'];

test('outputConflicts says what the pairwise comparison says, on 3,000 generated projects', () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const r = rng(seed);
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const overlaysDir = r() < 0.9 ? pick(SPOTS) : undefined;
    const seedsDir = r() < 0.5 ? pick(SPOTS) : undefined;
    const vms = Array.from({ length: Math.floor(r() * 5) }, () => pick(NAMES));
    const out: OutputPaths = {
      iso: r() < 0.9 ? pick(SPOTS) : undefined,
      stateFile: r() < 0.7 ? pick(SPOTS) : undefined,
      overlaysDir,
      overlays: vms.map((vm) => ({ vm, path: r() < 0.8 ? path.join(overlaysDir ?? P, `${vm}.qcow2`) : pick(SPOTS) })),
      ...(r() < 0.5 ? { seedsDir, seeds: vms.map((vm) => ({ vm, path: r() < 0.8 ? path.join(seedsDir ?? P, `${vm}.iso`) : pick(SPOTS) })) } : {}),
    };
    const inp: InputPaths = {
      projectDir: P,
      contextDir: pick(['/p/context', '/p/context/', '/p', '/p/build']),
      cloudInitDir: r() < 0.5 ? pick(['/p/cloud-init', '/p/cloud-init/', '/p/build']) : undefined,
      baseImage: r() < 0.7 ? pick(SPOTS) : undefined,
      files: Array.from({ length: Math.floor(r() * 6) }, () => pick(SPOTS)),
    };
    assert.deepEqual(outputConflicts(out, inp), pairwise(out, inp), `seed ${seed}: ${JSON.stringify({ out, inp })}`);
  }
});

test('outputConflicts of 300 VMs with conflicts among them reports each once', () => {
  const overlaysDir = '/p/build/overlays';
  const overlays = Array.from({ length: 300 }, (_, i) => ({ vm: `vm${i % 150}`, path: `${overlaysDir}/vm${i % 150}.qcow2` }));
  const inp: InputPaths = { projectDir: P, contextDir: '/p/context', files: Array.from({ length: 300 }, (_, i) => `/p/templates/vm${i}.xml`) };
  const out: OutputPaths = { iso: '/p/build/context.iso', stateFile: '/p/build/.state.json', overlaysDir, overlays };
  const got = outputConflicts(out, inp);
  // vm0..vm149 each twice: 150 "same file" conflicts, nothing else.
  assert.equal(got.length, 150);
  assert.ok(got.every((c) => / are the same file: /.test(c.message)));
  assert.deepEqual(got, pairwise(out, inp));
});

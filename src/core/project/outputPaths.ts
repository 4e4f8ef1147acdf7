// Where the build writes, checked against what it reads and against itself: an output never
// lands on an input (context folder, cloud-init/ folder, templates, manifest, base image), on
// another output, nor inside the context folder (the next ISO would pack it) or the cloud-init/
// folder (the project would read it as seed files); a VM's overlay or seed never leaves its
// folder because of its name. Pure: paths in, conflicts out. `vmctx check` and
// the editor show them on the manifest or the template; the build refuses to run.
import * as path from 'node:path';
import { displayPath, isInside, isStrictlyInside } from '../common/paths';

export interface OutputPaths {
  iso?: string;
  overlaysDir?: string;
  /** The build record written beside the ISO. */
  stateFile?: string;
  overlays: Array<{ vm: string; path: string }>;
  /** NoCloud: the seeds folder and each VM's seed in it. */
  seedsDir?: string;
  seeds?: Array<{ vm: string; path: string }>;
}

export interface InputPaths {
  projectDir: string;
  contextDir: string;
  baseImage?: string;
  /** NoCloud: the cloud-init/ folder the seeds are made from. */
  cloudInitDir?: string;
  /** Other files the build or the project reads: templates, the manifest. */
  files: string[];
}

/** Which setting the conflict comes from: `output.iso`, `output.overlays`, `output.seeds` or a VM's name. */
export type OutputSetting = 'iso' | 'overlays' | 'seeds' | 'name';

export interface OutputConflict {
  setting: OutputSetting;
  /** For `name`: the VM whose name makes the path. */
  vm?: string;
  message: string;
}

export const OUTPUT_CONFLICT_CODE = 'output-path-conflict';

interface Place {
  path: string;
  /** For messages: a getter, made only when a conflict names it (a fleet has thousands of places). */
  readonly what: string;
  setting: OutputSetting;
  vm?: string;
}

const same = (a: string, b: string) => path.resolve(a) === path.resolve(b);

/** A file made from a name (`<folder>/<name>.qcow2`) that is not directly in its folder: `../x`, `a/b`. */
export function leavesFolder(folder: string, file: string): boolean {
  return !(isStrictlyInside(folder, file) && same(path.dirname(file), folder));
}

/**
 * A test for `file` lying directly in `folder` that spares leavesFolder's path work for the usual
 * `<folder>/<name>.qcow2` (a fleet has thousands): `folder` as path.resolve gives it, a separator,
 * then one plain name. False means "not known": leavesFolder decides.
 */
function directlyIn(folder: string): (file: string) => boolean {
  if (path.resolve(folder) !== folder) return () => false;
  const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
  return (file) => {
    if (!file.startsWith(prefix)) return false;
    const name = file.slice(prefix.length);
    return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes(path.sep);
  };
}

/** The key two paths share when `isInside` takes them for one (lexically; Windows ignores case). */
const keyOf = (p: string) => (path.sep === '\\' ? path.resolve(p).toLowerCase() : path.resolve(p));

/** A path's key (`self`) and the keys of the folders holding it, nearest first, up to the root (`above`, shared). */
interface Chain {
  self: string;
  above: readonly string[];
}

/**
 * `chainOf(p)`: the key of `p` and of every folder holding it (`isInside(a, p)` iff key(a) is
 * one of them). The folders' chains are kept and shared, not copied: a fleet's overlays and
 * templates share theirs, so each costs one path.resolve instead of one per folder level.
 */
function chains(): (p: string) => Chain {
  const ofFolder = new Map<string, readonly string[]>();
  const aboveOf = (key: string): readonly string[] => {
    const up = path.dirname(key);
    if (up === key) return [];
    let above = ofFolder.get(up);
    if (!above) ofFolder.set(up, (above = [up, ...aboveOf(up)]));
    return above;
  };
  return (p) => {
    const self = keyOf(p);
    return { self, above: aboveOf(self) };
  };
}

const inChain = (c: Chain, key: string) => c.self === key || c.above.includes(key);

/** Places by their own key (`at`) and by the key of every folder above them (`below`). */
function indexPlaces(chains: Chain[]): { at: Map<string, number[]>; below: Map<string, number[]> } {
  const at = new Map<string, number[]>();
  const below = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, i: number) => {
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  };
  for (let i = 0; i < chains.length; i++) {
    const { self, above } = chains[i];
    push(at, self, i);
    for (let j = 0; j < above.length; j++) push(below, above[j], i);
  }
  return { at, below };
}

export function outputConflicts(out: OutputPaths, inp: InputPaths): OutputConflict[] {
  const show = (p: string) => displayPath(inp.projectDir, p);
  const chainOf = chains();
  const conflicts: OutputConflict[] = [];
  const seen = new Set<string>();
  const add = (setting: OutputSetting, message: string, vm?: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    conflicts.push({ setting, vm, message });
  };

  const outputs: Place[] = [];
  if (out.iso) outputs.push({ path: out.iso, what: `the ISO ${show(out.iso)}`, setting: 'iso' });
  if (out.stateFile) outputs.push({ path: out.stateFile, what: `the build record ${show(out.stateFile)}`, setting: 'iso' });
  // Overlays and seeds: one file per VM in its folder, named after the VM.
  const perVm = (files: Array<{ vm: string; path: string }>, dir: string | undefined, kind: 'overlay' | 'seed', setting: 'overlays' | 'seeds') => {
    const inDir = dir === undefined ? undefined : directlyIn(dir);
    for (const o of files) {
      // A name like `../../x` or `a/b` would put the file elsewhere: it is not written at all.
      if (dir && !inDir!(o.path) && leavesFolder(dir, o.path)) {
        add('name', `the VM name "${o.vm}" makes its ${kind} ${o.path} leave the ${kind}s folder ${show(dir)}/: a VM name must not contain "/"`, o.vm);
        continue;
      }
      outputs.push({ path: o.path, get what() { return `the ${kind} of ${o.vm} (${show(o.path)})`; }, setting: dir ? setting : 'name', vm: o.vm });
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
    ...inp.files.map((f) => ({ path: f, get what() { return show(f); }, setting: 'iso' as const })),
  ];
  // A folder in the wrong place is one conflict, not one more per file it would hold.
  const badFolders = new Set<OutputSetting>();
  const folderConflict = (f: Place, message: string) => (badFolders.add(f.setting), add(f.setting, message));
  const inputIndex = indexPlaces(inputs.map((p) => chainOf(p.path)));
  const byOrder = (a: number, b: number) => a - b;
  for (const f of folders) {
    // A folder on (or below) an input file: the build could not create it, or would replace the
    // file. isInside(input, f) is key(input) in f's chain: looked up, in the inputs' order.
    const c = chainOf(f.path);
    const atOrAbove = [c.self, ...c.above].flatMap((k) => inputIndex.at.get(k) ?? []).sort(byOrder);
    for (const j of new Set(atOrAbove)) folderConflict(f, `${f.what} would be made where ${inputs[j].what} is`);
    if (isInside(inp.contextDir, f.path)) folderConflict(f, `${f.what} lies inside ${context}: the next ISO would pack what it holds; put it outside, e.g. "build/${f.setting}"`);
    if (inp.cloudInitDir && isInside(inp.cloudInitDir, f.path)) folderConflict(f, `${f.what} lies inside ${cloudInit}: the project would read what it holds as seed files; put it outside, e.g. "build/${f.setting}"`);
  }
  // Each output looks its own path and the folders above it up in maps of the inputs and the
  // outputs, instead of comparing every pair (1,000 VMs made that millions of path.relative calls
  // per project load).
  const outputChains = outputs.map((o) => chainOf(o.path));
  // isInside(a, o) is key(a) in o's chain; isInside(o, a) is key(o) in a's chain.
  const contextKey = keyOf(inp.contextDir);
  const chainSet = (c: Chain) => new Set([c.self, ...c.above]);
  const contextChain = chainSet(chainOf(inp.contextDir));
  const cloudInitKey = inp.cloudInitDir && keyOf(inp.cloudInitDir);
  const cloudInitChain = inp.cloudInitDir ? chainSet(chainOf(inp.cloudInitDir)) : new Set<string>();
  const projectChain = chainSet(chainOf(inp.projectDir));
  const outputIndex = indexPlaces(outputChains);
  for (const [i, o] of outputs.entries()) {
    if (badFolders.has(o.setting)) continue;
    const chain = outputChains[i];
    const { self, above } = chain;
    if (inChain(chain, contextKey)) {
      add(o.setting, `${o.what} lies inside ${context}: it would overwrite an input or be packed into the next ISO; put outputs outside it, e.g. "build/context.iso"`, o.vm);
    } else if (contextChain.has(self)) add(o.setting, `${o.what} is a folder holding ${context}`, o.vm);
    if (cloudInitKey) {
      if (inChain(chain, cloudInitKey)) add(o.setting, `${o.what} lies inside ${cloudInit}: it would overwrite a seed file or be read as one; put outputs outside it, e.g. "build/seeds"`, o.vm);
      else if (cloudInitChain.has(self)) add(o.setting, `${o.what} is a folder holding ${cloudInit}`, o.vm);
    }
    if (projectChain.has(self)) add(o.setting, `${o.what} is the project folder or a folder holding it`, o.vm);
    // Inputs at this path, then inputs below it, in the inputs' order.
    const sameInputs = new Set(inputIndex.at.get(self));
    for (const j of [...sameInputs, ...(inputIndex.below.get(self) ?? [])].sort(byOrder)) {
      if (sameInputs.has(j)) add(o.setting, `${o.what} would overwrite ${inputs[j].what}`, o.vm);
      else add(o.setting, `${o.what} is a folder holding ${inputs[j].what}`, o.vm);
    }
    // Later outputs at this path, below it or above it.
    const sameOutputs = new Set(outputIndex.at.get(self));
    const related = new Set([...sameOutputs, ...(outputIndex.below.get(self) ?? []), ...above.flatMap((a) => outputIndex.at.get(a) ?? [])]);
    for (const j of [...related].filter((j) => j > i).sort(byOrder)) {
      const other = outputs[j];
      if (sameOutputs.has(j)) add(o.setting === 'iso' ? o.setting : other.setting, `${o.what} and ${other.what} are the same file: one would overwrite the other`, o.vm ?? other.vm);
      else add(o.setting, `${o.what} and ${other.what} lie inside one another`, o.vm ?? other.vm);
    }
  }
  return conflicts;
}

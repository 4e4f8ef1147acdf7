// Where the build writes, checked against what it reads and against itself: an output never
// lands on an input (context folder, templates, manifest, base image), on another output,
// nor inside the context folder (the next ISO would pack it); a VM's overlay never leaves
// the overlays folder because of its name. Pure: paths in, conflicts out. `vmctx check` and
// the editor show them on the manifest or the template; the build refuses to run.
import * as path from 'node:path';
import { displayPath, isInside, isStrictlyInside } from '../common/paths';

export interface OutputPaths {
  iso?: string;
  overlaysDir?: string;
  /** The build record written beside the ISO. */
  stateFile?: string;
  overlays: Array<{ vm: string; path: string }>;
}

export interface InputPaths {
  projectDir: string;
  contextDir: string;
  baseImage?: string;
  /** Other files the build or the project reads: templates, the manifest. */
  files: string[];
}

/** Which setting the conflict comes from: `output.iso`, `output.overlays` or a VM's name. */
export type OutputSetting = 'iso' | 'overlays' | 'name';

export interface OutputConflict {
  setting: OutputSetting;
  /** For `name`: the VM whose name makes the path. */
  vm?: string;
  message: string;
}

export const OUTPUT_CONFLICT_CODE = 'output-path-conflict';

interface Place {
  path: string;
  what: string;
  setting: OutputSetting;
  vm?: string;
}

const same = (a: string, b: string) => path.resolve(a) === path.resolve(b);

/** A file made from a name (`<folder>/<name>.qcow2`) that is not directly in its folder: `../x`, `a/b`. */
export function leavesFolder(folder: string, file: string): boolean {
  return !(isStrictlyInside(folder, file) && same(path.dirname(file), folder));
}

export function outputConflicts(out: OutputPaths, inp: InputPaths): OutputConflict[] {
  const show = (p: string) => displayPath(inp.projectDir, p);
  const conflicts: OutputConflict[] = [];
  const add = (setting: OutputSetting, message: string, vm?: string) => {
    if (!conflicts.some((c) => c.message === message)) conflicts.push({ setting, vm, message });
  };

  const outputs: Place[] = [];
  if (out.iso) outputs.push({ path: out.iso, what: `the ISO ${show(out.iso)}`, setting: 'iso' });
  if (out.stateFile) outputs.push({ path: out.stateFile, what: `the build record ${show(out.stateFile)}`, setting: 'iso' });
  for (const o of out.overlays) {
    // A name like `../../x` or `a/b` would put the overlay elsewhere: it is not written at all.
    if (out.overlaysDir && leavesFolder(out.overlaysDir, o.path)) {
      add('name', `the VM name "${o.vm}" makes its overlay ${o.path} leave the overlays folder ${show(out.overlaysDir)}/: a VM name must not contain "/"`, o.vm);
      continue;
    }
    outputs.push({ path: o.path, what: `the overlay of ${o.vm} (${show(o.path)})`, setting: out.overlaysDir ? 'overlays' : 'name', vm: o.vm });
  }

  const context = `the context folder ${show(inp.contextDir)}/`;
  if (out.overlaysDir && isInside(inp.contextDir, out.overlaysDir)) {
    add('overlays', `the overlays folder ${show(out.overlaysDir)}/ lies inside ${context}: the next ISO would pack the overlays; put it outside, e.g. "build/overlays"`);
  }
  const inputs: Place[] = [
    ...(inp.baseImage ? [{ path: inp.baseImage, what: `the base image ${show(inp.baseImage)}`, setting: 'iso' as const }] : []),
    ...inp.files.map((f) => ({ path: f, what: show(f), setting: 'iso' as const })),
  ];
  for (const [i, o] of outputs.entries()) {
    if (isInside(inp.contextDir, o.path)) {
      add(o.setting, `${o.what} lies inside ${context}: it would overwrite an input or be packed into the next ISO; put outputs outside it, e.g. "build/context.iso"`, o.vm);
    } else if (isInside(o.path, inp.contextDir)) add(o.setting, `${o.what} is a folder holding ${context}`, o.vm);
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

// Reads the build state of a project through the FileSystem port: the ISO's label and age,
// each template's overlay header. Small reads only (the ISO's first 34 KiB, qcow2 headers).
import * as path from 'node:path';
import type { FileSystem } from '../common/fileSystem';
import { overlayPath, type ContextProject } from '../project/project';
import { ISO_HEAD_BYTES, isoStateOf, readIsoLabel, type IsoState } from './iso-state';
import { QCOW2_HEAD_BYTES, l1HoldsData, overlayStateOf, parseQcow2Header, type BaseImageFacts, type OverlayState } from './overlay-state';

/** L1 tables of plausible overlays are far smaller; a bigger one is not read. */
const MAX_L1_READ = 8 * 1024 * 1024;

export interface BuildState {
  iso: IsoState;
  /** By VM name (templates without a name have no overlay). */
  overlays: Map<string, OverlayState>;
  baseImage?: BaseImageFacts;
}

async function newestMtime(fs: FileSystem, dir: string): Promise<number | undefined> {
  const st = await fs.stat(dir);
  if (st?.type !== 'directory') return undefined;
  let newest = st.mtimeMs;
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    for (const e of await fs.readDirectory(current).catch(() => [])) {
      const abs = path.join(current, e.name);
      const s = await fs.stat(abs);
      if (!s) continue;
      newest = Math.max(newest, s.mtimeMs);
      if (s.type === 'directory') stack.push(abs);
    }
  }
  return newest;
}

export async function readIsoState(fs: FileSystem, project: ContextProject): Promise<IsoState> {
  const st = await fs.stat(project.output.iso);
  if (st?.type !== 'file') return isoStateOf({ exists: false }, undefined, project.isoLabel);
  const label = readIsoLabel(await fs.readHead(project.output.iso, ISO_HEAD_BYTES).catch(() => new Uint8Array()));
  const newest = project.contextDirExists ? await newestMtime(fs, project.contextDir) : undefined;
  return isoStateOf({ exists: true, size: st.size, mtimeMs: st.mtimeMs, label }, newest, project.isoLabel);
}

async function baseImageFacts(fs: FileSystem, project: ContextProject): Promise<BaseImageFacts | undefined> {
  const base = project.baseImage;
  if (!base?.exists) return undefined;
  const st = await fs.stat(base.path);
  let virtualSize = base.size;
  if (base.format === 'qcow2') virtualSize = parseQcow2Header(await fs.readHead(base.path, QCOW2_HEAD_BYTES))?.virtualSize;
  return { name: path.basename(base.path), virtualSize, mtimeMs: st?.mtimeMs };
}

export async function readOverlayState(fs: FileSystem, file: string, base: BaseImageFacts | undefined): Promise<OverlayState> {
  const st = await fs.stat(file);
  if (st?.type !== 'file') return overlayStateOf({ exists: false }, base);
  const header = parseQcow2Header(await fs.readHead(file, QCOW2_HEAD_BYTES));
  let holdsData: boolean | undefined;
  if (header && header.l1Size > 0) {
    const end = header.l1TableOffset + header.l1Size * 8;
    if (end <= MAX_L1_READ) holdsData = l1HoldsData((await fs.readHead(file, end)).subarray(header.l1TableOffset));
  }
  return overlayStateOf({ exists: true, size: st.size, mtimeMs: st.mtimeMs, header, holdsData }, base);
}

export async function readBuildState(fs: FileSystem, project: ContextProject): Promise<BuildState> {
  const base = await baseImageFacts(fs, project);
  const overlays = new Map<string, OverlayState>();
  for (const t of project.templates) {
    const name = t.name?.value;
    if (name && !overlays.has(name)) overlays.set(name, await readOverlayState(fs, overlayPath(project, name), base));
  }
  return { iso: await readIsoState(fs, project), overlays, baseImage: base };
}

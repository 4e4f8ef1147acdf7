// The build engine's own file operations: its state file, its outputs' sizes, moving a tool's
// temporary output into place. The outputs themselves are written by isoFile.ts/overlayFile.ts.
import { mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from './atomicFile';

/** A file's text, or undefined when it cannot be read (no state file yet). */
export async function readTextIfPresent(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

/** Size and mtime of an output, or undefined when it does not exist. */
export async function outputStat(file: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  return stat(file).then((s) => ({ size: s.size, mtimeMs: s.mtimeMs }), () => undefined);
}

/** Creates the folder an output goes into. */
export async function ensureParentDir(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
}

/** Writes a small text file (the build state) atomically, creating its folder. */
export async function writeTextFile(file: string, text: string): Promise<void> {
  await ensureParentDir(file);
  await writeFileAtomically(file, text);
}

/** Renames a finished temporary output over the real one. */
export async function moveIntoPlace(tempPath: string, target: string): Promise<void> {
  await rename(tempPath, target);
}

/** Removes a temporary output; nothing to do when it is already gone. */
export async function removeIfPresent(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

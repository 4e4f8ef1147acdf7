// Writes planned files (scaffolds, new templates) to disk without ever overwriting one.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from '../../core/io/atomicFile';

export interface PlannedFile {
  relative: string;
  content: Uint8Array | string;
  mode?: number;
}

/** Writes every file under `root`, each whole or not at all; fails on the first that exists (EEXIST). */
export async function writeNewFiles(root: string, files: PlannedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const abs = path.join(root, ...f.relative.split('/'));
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    await writeFileAtomically(abs, f.content, { exclusive: true, mode: f.mode ?? 0o644 });
    // The umask may have dropped bits the file needs (scripts stay executable).
    if (f.mode) await fsp.chmod(abs, f.mode);
    written.push(abs);
  }
  return written;
}

/** A sparse file of `size` bytes (a blank raw disk); nothing when it exists. */
export async function createSparseFile(file: string, size: number): Promise<boolean> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  let handle;
  try {
    handle = await fsp.open(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
  return true;
}

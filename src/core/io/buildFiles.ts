// The build engine's own file operations: its state file, its outputs' sizes, moving a tool's
// temporary output into place. The outputs themselves are written by isoFile.ts/overlayFile.ts.
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from './atomicFile';
import { makeFoldersSync } from './makeFolders';
import { identityOf, type FileIdentity } from '../common/fileIdentity';

// node:fs's callback forms, promisified: node:fs/promises costs a build several milliseconds
// to load (a one-shot `vmctx build` uses nothing else of it).
const readFile = promisify(fs.readFile);
const stat = promisify(fs.stat);
const rename = promisify(fs.rename);
const unlink = promisify(fs.unlink);
const mkdtemp = promisify(fs.mkdtemp);
const writeFile = promisify(fs.writeFile);
const rm = promisify(fs.rm);

/** A file's text, or undefined when it cannot be read (no state file yet). */
export async function readTextIfPresent(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

/** An output's identity (size, mtime, inode, ctime), or undefined when it does not exist. */
export async function outputStat(file: string): Promise<FileIdentity | undefined> {
  return stat(file).then(identityOf, () => undefined);
}

/** Creates the folder an output goes into. */
export async function ensureParentDir(file: string): Promise<void> {
  makeFoldersSync(dirname(file));
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

/** A file's mtime in whole seconds, 0 when it cannot be read (dates a NoCloud seed). */
export async function mtimeSeconds(file: string): Promise<number> {
  return stat(file).then((s) => Math.floor(s.mtimeMs / 1000), () => 0);
}

/** A temporary folder holding the given files (a seed for an external ISO tool); remove() deletes it. */
export async function stageFiles(files: Array<{ name: string; text: string }>): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vmcontext-seed-'));
  for (const f of files) await writeFile(join(dir, f.name), f.text, { mode: 0o644 });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

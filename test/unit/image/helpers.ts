// Shared by the image tests: temporary folders, fixture trees, and the real tools.
import { execFileSync, spawnSync } from 'node:child_process';
import { lutimesSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync, chmodSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'vmctx-image-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs a tool and returns its stdout; throws with stderr when it fails. */
export function tool(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
}

export function toolBytes(command: string, args: string[]): Buffer {
  const r = spawnSync(command, args, { maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export type Spec = { [name: string]: string | Buffer | Spec | { link: string } | { mode: number; data: string } };

/** Writes a tree: strings/Buffers are files, objects folders, `{ link }` symlinks. */
export function writeTree(root: string, spec: Spec): void {
  mkdirSync(root, { recursive: true });
  for (const [name, v] of Object.entries(spec)) {
    const p = join(root, name);
    if (typeof v === 'string' || Buffer.isBuffer(v)) writeFileSync(p, v);
    else if ('link' in v && typeof v.link === 'string') symlinkSync(v.link, p);
    else if ('mode' in v && typeof v.mode === 'number') {
      writeFileSync(p, (v as { data: string }).data);
      chmodSync(p, v.mode);
    } else writeTree(p, v as Spec);
  }
}

/** Gives every entry the same mtime, so dates agree between our image and genisoimage's. */
export function setAllTimes(root: string, seconds: number): void {
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    const st = lstatSync(p);
    if (st.isDirectory()) setAllTimes(p, seconds);
    if (st.isSymbolicLink()) lutimesSync(p, seconds, seconds);
    else utimesSync(p, seconds, seconds);
  }
  utimesSync(root, seconds, seconds);
}

/** `xorriso -find / -exec lsdl` of an image, without uid/gid columns (they depend on who ran the tool). */
export function xorrisoTree(iso: string): string[] {
  const out = tool('xorriso', ['-indev', iso, '-find', '/', '-exec', 'lsdl', '--']);
  return out
    .split('\n')
    .filter((l) => /^[-dlcbps][-rwxsStT]{9} /.test(l))
    .map((l) => l.replace(/^(\S+)\s+(\d+)\s+\S+\s+\S+\s+/, '$1 $2 '))
    .sort();
}

// The embedded writers against the real tools, spawned from this process:
// ISO: embedded vs `genisoimage -quiet -R -J` on the 3-file example context and on a
// generated 130 MB / 2000-file context; overlay: in process vs `qemu-img create`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeIsoFromFolder } from '../src/core/io/isoFile';
import { writeOverlayFile } from '../src/core/io/overlayFile';
import { time } from './measure';

const CACHE = join(__dirname, '.cache');
const LARGE = join(CACHE, 'context-130mb');

/** 2000 files of ~65 KiB in 20 folders (about 134 MB), made once. */
export function largeContext(): string {
  const done = join(LARGE, '.complete');
  if (existsSync(done)) return LARGE;
  rmSync(LARGE, { recursive: true, force: true });
  for (let i = 0; i < 2000; i++) {
    const d = join(LARGE, `dir${String(i % 20).padStart(2, '0')}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `file-${String(i).padStart(4, '0')}.bin`), randomBytes(65 * 1024 + ((i * 37) % 4096)));
  }
  writeFileSync(done, '');
  return LARGE;
}

async function compareIso(context: string, runs: number) {
  const out = join(CACHE, 'out');
  mkdirSync(out, { recursive: true });
  const env = { SOURCE_DATE_EPOCH: '1700000000' };
  const embedded = await time(runs, () => writeIsoFromFolder(context, join(out, 'embedded.iso'), { env }), 2);
  const genisoimage = await time(runs, () => execFileSync('genisoimage', ['-quiet', '-R', '-J', '-o', join(out, 'genisoimage.iso'), context]), 2);
  return { embedded, genisoimage, ratio_p50: Math.round((embedded.p50_ms / genisoimage.p50_ms) * 100) / 100 };
}

export async function run() {
  const small = join(__dirname, '..', 'examples', 'snooze-cluster', 'context');
  const iso_3_files = await compareIso(small, 20);
  const iso_130mb_2000_files = await compareIso(largeContext(), 8);
  const dir = join(CACHE, 'overlays');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, 'base.raw');
  writeFileSync(base, '');
  truncateSync(base, 10 * 2 ** 30);
  const spec = { size: 10 * 2 ** 30, backingName: 'base.raw', backingFormat: 'raw' as const };
  const overlay_in_process = await time(50, () => writeOverlayFile(join(dir, 'ours.qcow2'), spec));
  const overlay_qemu_img = await time(10, () =>
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.raw', '-F', 'raw', join(dir, 'theirs.qcow2')], { cwd: dir }),
  );
  return { iso_3_files, iso_130mb_2000_files, overlay_in_process, overlay_qemu_img };
}

// The boot proof's base image: a raw disk holding a tar of what a real base image would have
// installed (base-image/README.md): the project's own contextualization script and rc.local,
// plus a marker. The guest unpacks it from its disk, i.e. through the VM's qcow2 overlay.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync, chmodSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './exec';

/** Virtual size of the base image (and so of each overlay). */
export const BASE_IMAGE_BYTES = 8 * 1024 * 1024;

export async function writeBaseImage(projectDir: string, target: string, marker: string): Promise<void> {
  const staging = mkdtempSync(path.join(os.tmpdir(), 'vmctx-base-'));
  try {
    const put = (rel: string, from: string | undefined, content: string | undefined, mode: number) => {
      const p = path.join(staging, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      if (from) copyFileSync(from, p);
      else writeFileSync(p, content ?? '');
      chmodSync(p, mode);
    };
    put('usr/local/sbin/contextualization', path.join(projectDir, 'base-image', 'contextualization'), undefined, 0o755);
    put('etc/rc.local', path.join(projectDir, 'base-image', 'rc.local'), undefined, 0o755);
    put('etc/vmctx-base-marker', undefined, `${marker}\n`, 0o644);
    mkdirSync(path.dirname(target), { recursive: true });
    await run('tar', ['--format=ustar', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', staging, '-cf', target, 'etc', 'usr']);
    truncateSync(target, BASE_IMAGE_BYTES);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

// A real Debian 12 guest for the boot proofs, made at test time from Debian packages only:
// mmdebstrap into a folder, `mkfs.ext4 -d` into a raw disk (no loop mount), kernel and initrd
// copied out for direct boot. Cached outside the repository, keyed by the recipe, the package
// list and the machine's apt sources, so only the first run pays (about 1–2.5 minutes here).
// The mirror comes from the machine's own apt sources file at run time: no host name is
// written into the repository.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { userCacheDir } from '../../src/core/io/userCacheDir';
import * as path from 'node:path';
import { run } from './exec';

export interface DebianImage {
  /** Raw ext4 disk, root file system on /dev/vda. Never boot it directly: use an overlay. */
  image: string;
  kernel: string;
  initrd: string;
  dir: string;
}

/** The `cloud` kernel flavour has virtio, ata_piix, sr_mod and isofs in its initrd and is half the size. */
export const DEBIAN_PACKAGES = [
  'linux-image-cloud-amd64', 'systemd-sysv', 'udev', 'cloud-init', 'ifupdown', 'iproute2', 'resolvconf', 'e2fsprogs',
  // What a Snooze base image's contextualization uses beyond the essentials.
  'bash', 'util-linux', 'mount',
];

const IMAGE_SIZE = '1200M';

/** Hooks that run inside the new root after the packages are installed. */
const CUSTOMIZE = [
  'echo "/dev/vda / ext4 defaults 0 1" > "$1/etc/fstab"',
  'echo debian > "$1/etc/hostname"',
  'printf "127.0.0.1 localhost\\n" > "$1/etc/hosts"',
  // Without it cloud-init's locale module runs update-locale for en_US.UTF-8, which fails on a
  // minimal Debian and ends `cloud-init status` in `error`.
  'echo LANG=C.UTF-8 > "$1/etc/default/locale"',
  // A root shell on the serial console if a proof has to be debugged by hand.
  'chroot "$1" passwd -d root',
];

const DPKG_EXCLUDES = ['/usr/share/man/*', '/usr/share/doc/*', '/usr/share/locale/*', '/usr/share/info/*'];

export function aptSourcesFile(): string {
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(deb822)) return deb822;
  if (existsSync('/etc/apt/sources.list')) return '/etc/apt/sources.list';
  throw new Error('no apt sources (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list): the Debian guest cannot be built');
}

export function cacheRoot(): string {
  const dir = userCacheDir();
  if (!dir) throw new Error('no cache folder for the Debian image: set VMCTX_CACHE_DIR or HOME');
  return dir;
}

export function recipeKey(sources: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ packages: DEBIAN_PACKAGES, customize: CUSTOMIZE, excludes: DPKG_EXCLUDES, size: IMAGE_SIZE, v: 1 }));
  h.update(readFileSync(sources));
  return h.digest('hex').slice(0, 16);
}

/** Builds (once, under flock) or reuses the cached image. */
export async function prepareDebianImage(log: (s: string) => void = () => undefined): Promise<DebianImage> {
  const sources = aptSourcesFile();
  const dir = path.join(cacheRoot(), `debian12-${recipeKey(sources)}`);
  const done = path.join(dir, '.complete');
  const result = (): DebianImage => ({ dir, image: path.join(dir, 'root.raw'), kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img') });
  if (existsSync(done)) return result();
  mkdirSync(path.dirname(dir), { recursive: true });
  // flock serialises concurrent test runs; the builder re-checks the marker inside the lock.
  const lock = `${dir}.lock`;
  await run('flock', [lock, process.execPath, '--import', 'tsx', __filename, '--build', dir, sources], { timeout: 1_500_000, env: { ...process.env } });
  if (!existsSync(done)) throw new Error(`the Debian image build left no ${done}`);
  log(`debian image ready in ${dir}`);
  return result();
}

async function build(dir: string, sources: string): Promise<void> {
  if (existsSync(path.join(dir, '.complete'))) return;
  for (const tool of ['mmdebstrap', 'mkfs.ext4']) {
    try {
      await run('sh', ['-c', 'command -v "$0"', tool]);
    } catch {
      throw new Error(`${tool} is missing: apt-get install ${tool === 'mmdebstrap' ? 'mmdebstrap' : 'e2fsprogs'}`);
    }
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const root = path.join(tmp, 'root');
  const t0 = Date.now();
  await run('mmdebstrap', [
    '--variant=apt', '--mode=root', '--skip=essential/unlink', '--quiet',
    `--include=${DEBIAN_PACKAGES.join(',')}`,
    ...DPKG_EXCLUDES.map((p) => `--dpkgopt=path-exclude=${p}`),
    ...CUSTOMIZE.map((c) => `--customize-hook=${c}`),
    'bookworm', root, sources,
  ], { timeout: 1_200_000 });
  const boot = path.join(root, 'boot');
  const kernel = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  const initrd = readdirSync(boot).find((f) => f.startsWith('initrd.img-'));
  if (!kernel || !initrd) throw new Error(`no kernel or initrd in ${boot}`);
  copyFileSync(path.join(boot, kernel), path.join(tmp, 'vmlinuz'));
  copyFileSync(path.join(boot, initrd), path.join(tmp, 'initrd.img'));
  await run('mkfs.ext4', ['-q', '-F', '-d', root, '-L', 'root', path.join(tmp, 'root.raw'), IMAGE_SIZE]);
  rmSync(root, { recursive: true, force: true });
  writeFileSync(path.join(tmp, 'recipe.json'), JSON.stringify({ packages: DEBIAN_PACKAGES, seconds: (Date.now() - t0) / 1000 }, null, 2));
  writeFileSync(path.join(tmp, '.complete'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

if (process.argv[2] === '--build') {
  build(process.argv[3], process.argv[4]).catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}

// The guest's kernel and initramfs, made at test time from Debian packages (apt-get download
// + dpkg-deb), cached in .cache/boot/ under the repository. Nothing binary is committed.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync, chmodSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { pipe, run, runBytes } from './exec';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'boot');

/** Drivers the guest needs: the SATA/IDE CD-ROM and its file system, virtio disk and NIC. */
export const GUEST_MODULES = ['isofs', 'sr_mod', 'ahci', 'ata_piix', 'virtio_pci', 'virtio_blk', 'virtio_net'];

export interface BootAssets {
  kernel: string;
  initrd: string;
  kernelVersion: string;
}

/** The kernel package the `linux-image-amd64` metapackage points at (standard flavour: it has AHCI). */
async function kernelPackage(): Promise<string> {
  const stdout = await run('apt-cache', ['depends', 'linux-image-amd64']);
  const m = /Depends:\s+(linux-image-[0-9][^\s]*-amd64)\b/.exec(stdout);
  if (!m) throw new Error(`apt-cache depends linux-image-amd64 names no kernel package (run apt-get update):\n${stdout}`);
  return m[1];
}

/** Downloads a .deb into the cache once; returns its path. */
async function download(pkg: string, debs: string): Promise<string> {
  mkdirSync(debs, { recursive: true });
  const find = () => readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  let deb = find();
  if (!deb) {
    await run('apt-get', ['download', '-q', pkg], { cwd: debs });
    deb = find();
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${debs}`);
  }
  return path.join(debs, deb);
}

/** Extracts the members matching `members` (tar patterns) of a .deb's data into `dest`. */
async function extract(deb: string, dest: string, members: string[]): Promise<void> {
  mkdirSync(dest, { recursive: true });
  await pipe(['dpkg-deb', ['--fsys-tarfile', deb]], ['tar', ['-x', '-C', dest, '--wildcards', ...members]]);
}

/** A module's dependencies, from the `depends=` string of its .modinfo section. */
export function moduleDepends(ko: Uint8Array): string[] {
  const text = Buffer.from(ko).toString('latin1');
  const m = /\0depends=([^\0]*)\0/.exec(text);
  return m && m[1] ? m[1].split(',').filter(Boolean) : [];
}

/** Load order for `wanted`: every dependency before its users (busybox insmod does not resolve them). */
export function loadOrder(wanted: string[], depends: (name: string) => string[]): string[] {
  const order: string[] = [];
  const visit = (name: string, stack: string[]) => {
    if (order.includes(name)) return;
    if (stack.includes(name)) throw new Error(`module dependency cycle: ${[...stack, name].join(' -> ')}`);
    for (const d of depends(name)) visit(d, [...stack, name]);
    order.push(name);
  };
  for (const w of wanted) visit(w, []);
  return order;
}

function indexModules(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) indexModules(p, out);
    else if (e.name.endsWith('.ko')) out.set(e.name.slice(0, -3).replace(/-/g, '_'), p);
  }
  return out;
}

/**
 * Kernel + initramfs (uncompressed newc cpio: busybox, the modules in load order, and
 * `guestInit` as /init). Rebuilt when the init script changes; packages are downloaded once.
 */
export async function prepareBootAssets(guestInit: string): Promise<BootAssets> {
  const kpkg = await kernelPackage();
  const kernelVersion = kpkg.replace(/^linux-image-/, '');
  const debs = path.join(CACHE_DIR, 'debs');
  const tree = path.join(CACHE_DIR, 'tree', kernelVersion);
  const kernel = path.join(tree, 'boot', `vmlinuz-${kernelVersion}`);
  const modulesDir = path.join(tree, 'lib', 'modules', kernelVersion, 'kernel');
  if (!existsSync(kernel) || !existsSync(modulesDir)) {
    rmSync(tree, { recursive: true, force: true });
    // Only the kernel and the driver folders we load from: about 13 MB of the 70 MB package.
    await extract(await download(kpkg, debs), tree, [
      `./boot/vmlinuz-${kernelVersion}`,
      `./lib/modules/${kernelVersion}/kernel/fs/isofs/*`,
      `./lib/modules/${kernelVersion}/kernel/drivers/cdrom/*`,
      `./lib/modules/${kernelVersion}/kernel/drivers/scsi/*`,
      `./lib/modules/${kernelVersion}/kernel/drivers/ata/*`,
      `./lib/modules/${kernelVersion}/kernel/drivers/virtio/*`,
      `./lib/modules/${kernelVersion}/kernel/drivers/block/virtio_blk.ko`,
      `./lib/modules/${kernelVersion}/kernel/drivers/net/virtio_net.ko`,
      `./lib/modules/${kernelVersion}/kernel/drivers/net/net_failover.ko`,
      `./lib/modules/${kernelVersion}/kernel/net/core/failover.ko`,
    ]);
  }
  const busyboxTree = path.join(CACHE_DIR, 'tree', 'busybox-static');
  const busybox = path.join(busyboxTree, 'bin', 'busybox');
  if (!existsSync(busybox)) await extract(await download('busybox-static', debs), busyboxTree, ['./bin/busybox']);

  // The initramfs, rebuilt each run (it is small and the init script may change).
  const root = path.join(CACHE_DIR, 'initramfs-root');
  rmSync(root, { recursive: true, force: true });
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'mnt', 'run', 'var/log', 'var/run', 'lib/modules', 'etc/network/if-pre-up.d', 'etc/network/if-up.d', 'etc/network/if-down.d', 'etc/network/if-post-down.d']) {
    mkdirSync(path.join(root, d), { recursive: true });
  }
  copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
  chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  const modules = indexModules(modulesDir);
  const order = loadOrder(GUEST_MODULES, (name) => {
    const file = modules.get(name);
    if (!file) throw new Error(`kernel ${kernelVersion} has no module ${name}`);
    return moduleDepends(readFileSync(file));
  });
  for (const name of order) copyFileSync(modules.get(name)!, path.join(root, 'lib', 'modules', `${name}.ko`));
  writeFileSync(path.join(root, 'lib', 'modules', 'load-order'), order.join('\n') + '\n');
  writeFileSync(path.join(root, 'init'), guestInit, { mode: 0o755 });
  chmodSync(path.join(root, 'init'), 0o755);

  const initrd = path.join(CACHE_DIR, `initramfs-${kernelVersion}.cpio`);
  const list = (await run('find', ['.', '-mindepth', '1'], { cwd: root })).trim();
  const files = list.split('\n').sort().join('\n') + '\n';
  writeFileSync(initrd, await runBytes('cpio', ['--quiet', '-o', '-H', 'newc', '-R', '0:0'], { cwd: root, input: files }));
  return { kernel, initrd, kernelVersion };
}

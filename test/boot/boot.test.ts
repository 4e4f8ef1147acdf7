// The boot proof: the example project, built with the embedded ISO and qcow2 writers, boots
// under QEMU (software emulation) and its context configures the VM — first with plain QEMU,
// then through libvirt with `vmctx deploy --connect qemu:///system --start`. The guest is a
// Debian kernel + an initramfs playing the base image (see guest-init.sh); it runs the
// project's own base-image/contextualization, which runs the example's post-install from
// the CD-ROM. Assertions read the serial log, which a failure prints whole.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { prepareBootAssets, REPO_ROOT, type BootAssets } from './boot-assets';
import { writeBaseImage } from './base-image';
import { qemuArgsFromTemplate } from './qemu-direct';
import { adaptTemplateForBoot } from './test-template';
import { ensureLibvirt, type LibvirtDaemons } from './libvirt-daemons';
import { assertSerialLog, expectedForDebian1, missingFromSerialLog } from './serial-check';
import { run } from './exec';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'snooze-cluster');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const URI = 'qemu:///system';
const VM = 'debian1';
const BOOT_TIMEOUT_MS = 180_000;

let work: string;
let project: string;
let assets: BootAssets;
const marker = `base-image-${process.pid}-${Date.now()}`;
const timings: Record<string, number> = {};

function vmctx(args: string[]): Promise<string> {
  return run(process.execPath, [CLI, ...args], { timeout: 300_000 });
}

/** Boots `templateXml` with plain QEMU over the built files; returns the serial log. */
async function bootDirect(templateXml: string, name: string): Promise<string> {
  // The files where a host would hold them: side by side, so the overlay's relative
  // backing name finds the base image.
  const host = path.join(work, `direct-${name}`);
  mkdirSync(host, { recursive: true });
  copyFileSync(path.join(project, 'build', 'overlays', `${VM}.qcow2`), path.join(host, `${VM}.qcow2`));
  copyFileSync(path.join(project, 'build', 'context.iso'), path.join(host, 'context.iso'));
  copyFileSync(path.join(project, 'images', 'debian-base.raw'), path.join(host, 'debian-base.raw'));
  const serialLog = path.join(work, `serial-${name}.log`);
  const { args } = qemuArgsFromTemplate(templateXml, (p) => path.join(host, path.basename(p)), { ...assets, serialLog });
  const t0 = performance.now();
  await run('qemu-system-x86_64', args, { timeout: BOOT_TIMEOUT_MS });
  timings[name] = (performance.now() - t0) / 1000;
  return readFileSync(serialLog, 'utf8');
}

async function virsh(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    return { ok: true, out: await run('virsh', ['-q', '-c', URI, ...args], { timeout: 60_000 }) };
  } catch (e) {
    return { ok: false, out: e instanceof Error ? e.message : String(e) };
  }
}

/** Removes a domain this test defined (same UUID as the template) — never another one. */
async function removeOurDomain(uuid: string): Promise<void> {
  const info = await virsh(['domuuid', VM]);
  if (!info.ok || info.out.trim().toLowerCase() !== uuid) return;
  await virsh(['destroy', VM]);
  await virsh(['undefine', VM]);
}

describe('boot proof: the built example configures a booted VM', { timeout: 900_000 }, () => {
  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
    assert.equal(process.getuid?.(), 0, 'the boot proof runs QEMU and libvirtd as root (CI does)');
    assets = await prepareBootAssets(readFileSync(path.join(__dirname, 'guest-init.sh'), 'utf8'));
    // libvirt's QEMU runs as libvirt-qemu: the work folder must be readable by it.
    work = mkdtempSync(path.join(os.tmpdir(), 'vmctx-boot-'));
    chmodSync(work, 0o755);
    project = path.join(work, 'project');
    cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !/[\\/](build|images[\\/].*\.raw)$/.test(src) });
    await writeBaseImage(project, path.join(project, 'images', 'debian-base.raw'), marker);
    const out = await vmctx(['build', project, '--iso-backend', 'embedded', '--overlay-backend', 'embedded']);
    assert.match(out, /context\.iso \(embedded/);
    assert.match(out, /debian1\.qcow2 \(embedded/);
  });

  after(() => {
    if (work && !process.env.VMCTX_BOOT_KEEP) rmSync(work, { recursive: true, force: true });
    console.log(`# boot timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Number(v.toFixed(1))])))}`);
  });

  test('QEMU: address from the MAC, gateway, routes, resolv.conf, Rock Ridge modes, base image through the overlay', async () => {
    const template = readFileSync(path.join(EXAMPLE, 'templates', `${VM}.xml`), 'utf8');
    const log = await bootDirect(template, 'qemu');
    assertSerialLog(log, expectedForDebian1(marker), 'QEMU boot');
  });

  test('QEMU: a broken MAC in the template fails the proof, showing the serial log', async () => {
    const template = readFileSync(path.join(EXAMPLE, 'templates', `${VM}.xml`), 'utf8');
    const broken = template.replace("<mac address='00:16:c0:a8:7a:11'/>", "<mac address='00:16:c0:a8:7a:21'/>");
    assert.notEqual(broken, template);
    const log = await bootDirect(broken, 'qemu-broken-mac');
    // The guest did as the broken template says: another address.
    assert.match(log, /inet 192\.168\.122\.33\/24/);
    assert.ok(missingFromSerialLog(log, expectedForDebian1(marker)).length > 0);
    assert.throws(
      () => assertSerialLog(log, expectedForDebian1(marker), 'QEMU boot'),
      (e: Error) =>
        /section "ip -4 addr" has no line \/\^inet 192\\\.168\\\.122\\\.17\\\/24/.test(e.message) &&
        e.message.includes('----- serial log -----') &&
        e.message.includes('inet 192.168.122.33/24'),
    );
  });

  describe('libvirt', () => {
    let daemons: LibvirtDaemons | undefined;
    const uuid = /<uuid>([^<]+)<\/uuid>/.exec(readFileSync(path.join(EXAMPLE, 'templates', `${VM}.xml`), 'utf8'))![1].toLowerCase();

    before(async () => {
      // libvirtd and its QEMU driver run as root here; say so instead of failing somewhere inside.
      if (process.getuid?.() !== 0) throw new Error('the libvirt boot starts libvirtd and needs root (CI runs as root); VMCTX_TEST_LAYERS=unit,integration,e2e leaves the boot layer out');
      daemons = await ensureLibvirt();
      await removeOurDomain(uuid);
    });

    after(async () => {
      await removeOurDomain(uuid);
      await daemons?.stop();
    });

    test('vmctx deploy --connect qemu:///system --start boots the same VM; a second deploy changes nothing', async () => {
      const host = path.join(work, 'host');
      const serialLog = path.join(work, 'serial-libvirt.log');
      const boot = path.join(work, 'boot');
      mkdirSync(boot, { recursive: true });
      // libvirt relabels the kernel and initrd it boots: give it copies.
      copyFileSync(assets.kernel, path.join(boot, 'vmlinuz'));
      copyFileSync(assets.initrd, path.join(boot, 'initrd'));
      const templateFile = path.join(project, 'templates', `${VM}.xml`);
      writeFileSync(templateFile, adaptTemplateForBoot(readFileSync(templateFile, 'utf8'), { kernel: path.join(boot, 'vmlinuz'), initrd: path.join(boot, 'initrd'), serialLog }));
      const manifestFile = path.join(project, 'vmcontext.json');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
      manifest.hosts = [{ uri: URI, directory: host, vms: [VM] }];
      writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

      const t0 = performance.now();
      const out = await vmctx(['deploy', project, '--connect', URI, '--start']);
      assert.match(out, new RegExp(`copy    base    images/debian-base\\.raw -> ${host}/debian-base\\.raw`));
      assert.match(out, /define  debian1 \(not defined yet\)/);
      assert.match(out, /start   debian1/);
      assert.match(out, /not deployed: debian2/);

      // The guest powers itself off when done (on_poweroff: destroy).
      const deadline = Date.now() + BOOT_TIMEOUT_MS;
      let log = '';
      for (;;) {
        log = existsSync(serialLog) ? readFileSync(serialLog, 'utf8') : '';
        const state = await virsh(['domstate', VM]);
        if (state.ok && /shut off/.test(state.out) && log.includes('vmctx-boot: done')) break;
        if (Date.now() > deadline) assert.fail(`the libvirt guest did not finish in time (${state.out.trim()})\n----- serial log -----\n${log}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      timings.libvirt = (performance.now() - t0) / 1000;
      assertSerialLog(log, expectedForDebian1(marker), 'libvirt boot');

      const again = await vmctx(['deploy', project, '--connect', URI]);
      assert.match(again, /up to date: nothing to change/, again);
      assert.match(again, /keep    debian1 \(unchanged\)/);
    });
  });
});

// The remote deploy layer: a real libvirt host reached over ssh, all on 127.0.0.1. It starts
// sshd (keys generated here) and libvirtd (as the boot proof does), defines a storage pool,
// and deploys the example: one VM to qemu:///system (files copied) and one to
// qemu+ssh://root@127.0.0.1:PORT/system (volumes uploaded into the pool). Both boot under
// TCG and their serial logs prove the context; a second deploy changes nothing; a changed
// template is one redefine; both are undefined. Every daemon it started is stopped by PID.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { prepareBootAssets, REPO_ROOT } from '../boot/boot-assets';
import { writeBaseImage } from '../boot/base-image';
import { adaptTemplateForBoot } from '../boot/test-template';
import { ensureLibvirt, type LibvirtDaemons } from '../boot/libvirt-daemons';
import { assertSerialLog, expectedForDebian1, type BootExpectation } from '../boot/serial-check';
import { run } from '../boot/exec';
import { startSshHost, type SshHost } from './sshHost';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'snooze-cluster');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const LOCAL_URI = 'qemu:///system';
const BOOT_TIMEOUT_MS = 240_000;
/** Names of our own, so a boot proof running beside this layer is not disturbed. */
const LOCAL_VM = 'rdeploy-local';
const REMOTE_VM = 'rdeploy-remote';
const POOL = `vmctx-remote-${process.pid}`;

/** debian2's known truth (MAC 00:16:c0:a8:7a:12 -> 192.168.122.18), written out like debian1's. */
function expectedForDebian2(marker: string): BootExpectation {
  return {
    anywhere: [`vmctx-boot: base marker: ${marker}`, 'vmctx-boot: base image unpacked from /dev/vda', 'vmctx-boot: done'],
    sections: {
      'contextualization.log': [
        'contextualization: running post-install from /dev/sr0',
        'post-install: eth0 00:16:c0:a8:7a:12 -> 192.168.122.18/255.255.255.0 gateway 192.168.122.1',
        'contextualization: post-install succeeded',
      ],
      'ip -4 addr': [/^inet 192\.168\.122\.18\/24 brd 192\.168\.122\.255 scope global eth0$/],
      'ip route': ['default via 192.168.122.1 dev eth0', '10.0.0.0/8 via 192.168.122.1 dev eth0', /^192\.168\.122\.0\/24 dev eth0 scope link +src 192\.168\.122\.18$/],
      hostname: ['vm-192-168-122-18'],
    },
  };
}

let work: string;
let project: string;
let daemons: LibvirtDaemons | undefined;
let ssh: SshHost | undefined;
const log: string[] = [];
const marker = `base-image-${process.pid}-${Date.now()}`;
const uuids = { [LOCAL_VM]: randomUUID(), [REMOTE_VM]: randomUUID() };
const timings: Record<string, number> = {};

function vmctx(args: string[]): Promise<string> {
  return run(process.execPath, [CLI, ...args], { timeout: 300_000 });
}

async function virsh(uri: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    return { ok: true, out: await run('virsh', ['-q', '-c', uri, ...args], { timeout: 60_000 }) };
  } catch (e) {
    return { ok: false, out: e instanceof Error ? e.message : String(e) };
  }
}

/** Removes a domain of ours (same UUID as we gave it) — never another one. */
async function removeOurDomain(name: string): Promise<void> {
  const info = await virsh(LOCAL_URI, ['domuuid', name]);
  if (!info.ok || info.out.trim().toLowerCase() !== uuids[name as keyof typeof uuids]) return;
  await virsh(LOCAL_URI, ['destroy', name]);
  await virsh(LOCAL_URI, ['undefine', name]);
}

/** The example's template for `vm`, renamed, with its own UUID and adapted for the TCG boot. */
function template(from: string, vm: string, boot: string): string {
  const xml = readFileSync(path.join(EXAMPLE, 'templates', `${from}.xml`), 'utf8')
    .replace(`<name>${from}</name>`, `<name>${vm}</name>`)
    .replace(/<uuid>[^<]+<\/uuid>/, `<uuid>${uuids[vm as keyof typeof uuids]}</uuid>`)
    .replace(`/opt/cloud/${from}.qcow2`, `/opt/cloud/${vm}.qcow2`);
  return adaptTemplateForBoot(xml, { kernel: path.join(boot, 'vmlinuz'), initrd: path.join(boot, 'initrd'), serialLog: path.join(work, `serial-${vm}.log`) });
}

/** Waits until the guest powered itself off having printed its report; returns the serial log. */
async function bootLog(vm: string, deadline: number): Promise<string> {
  const serialLog = path.join(work, `serial-${vm}.log`);
  for (;;) {
    const text = existsSync(serialLog) ? readFileSync(serialLog, 'utf8') : '';
    const state = await virsh(LOCAL_URI, ['domstate', vm]);
    if (state.ok && /shut off/.test(state.out) && text.includes('vmctx-boot: done')) return text;
    if (Date.now() > deadline) assert.fail(`${vm} did not finish in time (${state.out.trim()})\n----- serial log -----\n${text}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('remote deploy: a libvirt host over ssh on 127.0.0.1 and qemu:///system', { timeout: 900_000 }, () => {
  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
    if (process.getuid?.() !== 0) throw new Error('the remote deploy layer starts sshd and libvirtd and needs root (CI runs as root); VMCTX_TEST_LAYERS=unit,boot,integration,e2e,package leaves it out');
    const t0 = performance.now();
    const assets = await prepareBootAssets(readFileSync(path.join(REPO_ROOT, 'test', 'boot', 'guest-init.sh'), 'utf8'));
    // libvirt's QEMU runs as libvirt-qemu: the work folder must be readable by it.
    work = mkdtempSync(path.join(os.tmpdir(), 'vmctx-remote-'));
    chmodSync(work, 0o755);
    const boot = path.join(work, 'boot');
    mkdirSync(boot);
    // libvirt relabels the kernel and initrd it boots: give it copies.
    copyFileSync(assets.kernel, path.join(boot, 'vmlinuz'));
    copyFileSync(assets.initrd, path.join(boot, 'initrd'));

    project = path.join(work, 'project');
    cpSync(EXAMPLE, project, { recursive: true, filter: (src) => !/[\\/](build|images[\\/].*\.raw|templates)$/.test(src) });
    mkdirSync(path.join(project, 'templates'));
    writeFileSync(path.join(project, 'templates', `${LOCAL_VM}.xml`), template('debian1', LOCAL_VM, boot));
    writeFileSync(path.join(project, 'templates', `${REMOTE_VM}.xml`), template('debian2', REMOTE_VM, boot));
    await writeBaseImage(project, path.join(project, 'images', 'debian-base.raw'), marker);
    await vmctx(['build', project, '--iso-backend', 'embedded', '--overlay-backend', 'embedded']);

    ssh = await startSshHost(path.join(work, 'ssh'), log);
    daemons = await ensureLibvirt(log);
    for (const vm of [LOCAL_VM, REMOTE_VM]) await removeOurDomain(vm);
    const poolDir = path.join(work, 'pool');
    mkdirSync(poolDir);
    const define = await virsh(LOCAL_URI, ['pool-define-as', POOL, 'dir', '--target', poolDir]);
    assert.ok(define.ok, define.out);
    const start = await virsh(LOCAL_URI, ['pool-start', POOL]);
    assert.ok(start.ok, start.out);

    const manifestFile = path.join(project, 'vmcontext.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.hosts = [
      { uri: LOCAL_URI, directory: path.join(work, 'host'), vms: [LOCAL_VM] },
      { uri: ssh.uri, pool: POOL, vms: [REMOTE_VM] },
    ];
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    timings.setup = (performance.now() - t0) / 1000;
  });

  after(async () => {
    for (const vm of [LOCAL_VM, REMOTE_VM]) await removeOurDomain(vm).catch(() => undefined);
    if (daemons) {
      await virsh(LOCAL_URI, ['pool-destroy', POOL]);
      await virsh(LOCAL_URI, ['pool-undefine', POOL]);
    }
    await ssh?.stop();
    await daemons?.stop();
    if (work && !process.env.VMCTX_BOOT_KEEP) rmSync(work, { recursive: true, force: true });
    console.log(`# remote deploy timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Number(v.toFixed(1))])))}`);
  });

  test('the ssh URI reaches the libvirtd on 127.0.0.1 with our key, no ~/.ssh involved', async () => {
    assert.match(ssh!.uri, /^qemu\+ssh:\/\/root@127\.0\.0\.1:\d+\/system\?command=/);
    const r = await virsh(ssh!.uri, ['pool-info', POOL]);
    assert.ok(r.ok, r.out);
    assert.match(r.out, /State:\s+running/);
  });

  test('first deploy: copies to qemu:///system, vol-upload into the pool over ssh, define and start both; copies keep holes', async () => {
    const t0 = performance.now();
    const out = await vmctx(['deploy', project, '--start']);
    timings.first_deploy = (performance.now() - t0) / 1000;
    const host = path.join(work, 'host');
    assert.match(out, new RegExp(`copy    base    images/debian-base\\.raw -> ${host}/debian-base\\.raw \\([^)]*, absent\\)`), out);
    assert.match(out, new RegExp(`upload  base    images/debian-base\\.raw -> pool ${POOL} volume debian-base\\.raw`), out);
    assert.match(out, new RegExp(`upload  overlay build/overlays/${REMOTE_VM}\\.qcow2 -> pool ${POOL} volume ${REMOTE_VM}\\.qcow2`), out);
    assert.match(out, new RegExp(`upload  iso     build/context\\.iso -> pool ${POOL} volume context\\.iso`), out);
    assert.match(out, new RegExp(`define  ${LOCAL_VM} \\(not defined yet\\)`));
    assert.match(out, new RegExp(`define  ${REMOTE_VM} \\(not defined yet\\)`));
    assert.match(out, /deployed: 10 changes/, out);
    // Sparse: the 8 MiB base holds a few KiB of tar; neither copy allocates more than the source.
    const source = statSync(path.join(project, 'images', 'debian-base.raw'));
    for (const copy of [path.join(host, 'debian-base.raw'), path.join(work, 'pool', 'debian-base.raw')]) {
      const st = statSync(copy);
      assert.equal(st.size, source.size, copy);
      assert.ok(st.blocks <= source.blocks, `${copy}: ${st.blocks} blocks allocated, the source ${source.blocks}`);
    }
    assert.ok(source.blocks * 512 < source.size / 4, `the base image should be sparse (${source.blocks} blocks)`);
    // The remote VM's disks are the pool's volumes.
    const xml = await virsh(ssh!.uri, ['dumpxml', REMOTE_VM]);
    assert.ok(xml.out.includes(`<source file='${path.join(work, 'pool', `${REMOTE_VM}.qcow2`)}'`), xml.out);
  });

  test('both guests boot under TCG and their context configures them (serial logs)', async () => {
    const t0 = performance.now();
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    const [local, remote] = await Promise.all([bootLog(LOCAL_VM, deadline), bootLog(REMOTE_VM, deadline)]);
    timings.boots = (performance.now() - t0) / 1000;
    assertSerialLog(local, expectedForDebian1(marker), `${LOCAL_VM} (qemu:///system)`);
    assertSerialLog(remote, expectedForDebian2(marker), `${REMOTE_VM} (over ssh, from the pool)`);
  });

  test('a second deploy with nothing changed sends nothing and defines nothing', async () => {
    const t0 = performance.now();
    const out = await vmctx(['deploy', project]);
    timings.second_deploy = (performance.now() - t0) / 1000;
    assert.match(out, /up to date: nothing to change/, out);
    assert.match(out, new RegExp(`keep    ${LOCAL_VM} \\(unchanged\\)`));
    assert.match(out, new RegExp(`keep    ${REMOTE_VM} \\(unchanged\\)`));
    assert.doesNotMatch(out, /^\s*(copy|upload|define|start) /m);
  });

  test('one template changed: one redefine, nothing sent', async () => {
    const file = path.join(project, 'templates', `${REMOTE_VM}.xml`);
    const before = readFileSync(file, 'utf8');
    const after = before.replace("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static'>2</vcpu>");
    assert.notEqual(after, before);
    writeFileSync(file, after);
    const out = await vmctx(['deploy', project]);
    assert.match(out, new RegExp(`define  ${REMOTE_VM} \\(definition changed\\)`), out);
    assert.match(out, /^1 change$/m);
    assert.match(out, /deployed: 1 change$/m);
    const info = await virsh(ssh!.uri, ['dominfo', REMOTE_VM]);
    assert.match(info.out, /CPU\(s\):\s+2/);
  });

  test('undefine: over ssh and locally; the hosts list neither any more', async () => {
    for (const [uri, vm] of [
      [ssh!.uri, REMOTE_VM],
      [LOCAL_URI, LOCAL_VM],
    ]) {
      const r = await virsh(uri, ['undefine', vm]);
      assert.ok(r.ok, r.out);
    }
    const list = await virsh(ssh!.uri, ['list', '--all', '--name']);
    assert.ok(list.ok, list.out);
    assert.doesNotMatch(list.out, new RegExp(`^(${LOCAL_VM}|${REMOTE_VM})$`, 'm'));
    const plan = await vmctx(['deploy', project, '--dry-run']);
    assert.match(plan, new RegExp(`define  ${REMOTE_VM} \\(not defined yet\\)`));
    assert.match(plan, /^2 changes$/m);
  });
});

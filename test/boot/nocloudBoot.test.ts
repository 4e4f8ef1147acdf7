// The NoCloud flavor in a real Debian 12 guest: examples/nocloud-cluster built by `vmctx build`
// (embedded writers) over the cached Debian image (debianImage.ts); web1 and web2 boot under QEMU
// TCG from their overlays and seeds, web1 again through `vmctx deploy --start` to libvirt. A unit
// ordered after cloud-final prints the proof lines to the serial port and powers off: the address and hostname the template and manifest give, the
// nameserver, the runcmd's marker, and `cloud-init status` done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareDebianImage } from './debianImage';
import { run } from './exec';
import { ensureLibvirt } from './libvirt-daemons';
import { adaptTemplateForBoot } from './test-template';
import { PROOF, proofLines, reportUnit } from './guestReport';

const repo = path.resolve(__dirname, '../..');

// write_files runs before runcmd; the report unit waits for cloud-final (runcmd runs inside it).
const USER_DATA = `#cloud-config
write_files:
  - path: /usr/local/bin/vmctx-report
    permissions: "0755"
    content: |
      #!/bin/sh
      P=${PROOF}
      echo "$P status $(cloud-init status | tr -d '\\n')"
      ip -4 -o addr show scope global | awk -v p=$P '{ print p " address " $4 }'
      echo "$P hostname $(hostname)"
      echo "$P resolv $(grep ^nameserver /etc/resolv.conf | tr '\\n' ' ')"
      echo "$P runcmd $(cat /run/vmctx-runcmd)"
      echo "$P end"
  - path: /etc/systemd/system/vmctx-report.service
    content: |
${reportUnit('cloud-final.service').trimEnd().replace(/^/gm, '      ')}
runcmd:
  - [sh, -c, 'echo ran > /run/vmctx-runcmd']
  - [systemctl, daemon-reload]
  - [systemctl, start, --no-block, vmctx-report.service]
`;

function qemuMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'the boot proof runs as root';
  if (!existsSync('/usr/bin/qemu-system-x86_64')) return 'qemu-system-x86_64 is missing: apt-get install qemu-system-x86';
  return undefined;
}

/** A copy of the example over the cached Debian image, with the proof's user-data; `edit` changes it before the build. */
async function buildProject(dir: string, log: (s: string) => void, edit: (project: string) => void = () => undefined, buildArgs: string[] = []) {
  const image = await prepareDebianImage(log);
  const project = path.join(dir, 'nocloud');
  cpSync(path.join(repo, 'examples/nocloud-cluster'), project, { recursive: true, filter: (s) => !s.includes('/build') });
  // The cached Debian image as the base; the overlay's backing name (root.raw) resolves next to it.
  const manifest = JSON.parse(readFileSync(path.join(project, 'vmcontext.json'), 'utf8'));
  manifest.baseImage = 'images/root.raw';
  writeFileSync(path.join(project, 'vmcontext.json'), JSON.stringify(manifest, null, 2));
  symlinkSync(image.image, path.join(project, 'images/root.raw'));
  writeFileSync(path.join(project, 'cloud-init/user-data'), USER_DATA);
  edit(project);
  log((await run(process.execPath, [path.join(repo, 'dist/cli.js'), 'build', project, ...buildArgs])).trim());
  symlinkSync(image.image, path.join(project, 'build/overlays/root.raw'));
  return { image, project };
}

/** What a VM's seed must have done: cloud-init done, its MAC's address, hostname, nameserver, runcmd. */
function assertSeedProof(vm: string, address: string, proof: string[]): void {
  const lines = proof.join('\n');
  assert.ok(proof.includes(`${PROOF} status status: done`), `${vm}: cloud-init status is not done:\n${lines}`);
  assert.ok(proof.includes(`${PROOF} address ${address}`), `${vm} lacks its MAC's address ${address}:\n${lines}`);
  assert.ok(proof.includes(`${PROOF} hostname ${vm}`), `${vm}'s hostname is not ${vm}:\n${lines}`);
  assert.ok(proof.some((l) => l.startsWith(`${PROOF} resolv `) && l.includes('192.168.122.1')), `${vm}: no nameserver 192.168.122.1:\n${lines}`);
  assert.ok(proof.includes(`${PROOF} runcmd ran`), `${vm}: the user-data's runcmd did not run:\n${lines}`);
}

/** Boots one VM from its overlay and seed under TCG; returns the proof lines and the seconds QEMU ran. */
async function bootVm(dir: string, built: Awaited<ReturnType<typeof buildProject>>, vm: string, mac: string, log: (s: string) => void) {
  const { image, project } = built;
  const serial = path.join(dir, `${vm}.serial.log`);
  const t0 = Date.now();
  await run('qemu-system-x86_64', [
    '-machine', 'q35', '-accel', 'tcg', '-smp', '2', '-m', '1024', '-display', 'none', '-no-reboot',
    '-kernel', image.kernel, '-initrd', image.initrd, '-append', 'root=/dev/vda rw console=ttyS0',
    '-drive', `file=${path.join(project, 'build/overlays', `${vm}.qcow2`)},if=virtio,format=qcow2`,
    // As the example's template says: the seed on virtio-scsi (Debian's cloud kernel, as in its
    // genericcloud images, has no ahci driver; virtio_scsi + sr_mod are there).
    '-drive', `file=${path.join(project, 'build/seeds', `${vm}.iso`)},if=none,id=seed,media=cdrom,format=raw,readonly=on`,
    '-device', 'virtio-scsi-pci,id=scsi0', '-device', 'scsi-cd,drive=seed,bus=scsi0.0',
    '-netdev', 'user,id=n0', '-device', `virtio-net-pci,netdev=n0,mac=${mac}`,
    '-serial', `file:${serial}`,
  ], { timeout: 900_000 });
  const seconds = (Date.now() - t0) / 1000;
  const text = readFileSync(serial, 'utf8');
  const proof = proofLines(text);
  log(`${vm}: QEMU ran ${seconds.toFixed(0)} s (start to power-off); proof lines:\n${proof.join('\n')}`);
  writeFileSync(path.join(os.tmpdir(), `vmctx-nocloud-${vm}.proof.txt`), `${seconds.toFixed(0)} s\n${proof.join('\n')}\n`);
  assert.ok(proof.includes(`${PROOF} end`), `no proof from the guest; serial log tail:\n${text.split('\n').slice(-40).join('\n')}`);
  return proof;
}

// web1's network-config is generated from the manifest's network and its MAC; web2 has its own.
test('NoCloud: web1 and web2 of examples/nocloud-cluster configure themselves from their seeds in a real Debian 12 guest', { timeout: 1_800_000 }, async (t) => {
  const missing = qemuMissing();
  assert.equal(missing, undefined, missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmctx-nocloud-boot-'));
  try {
    const log = (s: string) => t.diagnostic(s);
    const built = await buildProject(dir, log);
    assertSeedProof('web1', '192.168.122.20/24', await bootVm(dir, built, 'web1', '52:54:c0:a8:7a:14', log));
    assertSeedProof('web2', '192.168.122.21/24', await bootVm(dir, built, 'web2', '52:54:c0:a8:7a:15', log));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('NoCloud negative: a network-config naming another MAC is flagged by vmctx check and leaves web2 without its static address', { timeout: 1_800_000 }, async (t) => {
  const missing = qemuMissing();
  assert.equal(missing, undefined, missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmctx-nocloud-boot-'));
  try {
    const log = (s: string) => t.diagnostic(s);
    const built = await buildProject(dir, log, (project) => {
      const f = path.join(project, 'cloud-init/web2/network-config');
      writeFileSync(f, readFileSync(f, 'utf8').replace('52:54:c0:a8:7a:15', '52:54:c0:a8:7a:99'));
    }, ['--allow-errors']); // the build refuses the broken project otherwise (the check before build)
    const check = await run(process.execPath, [path.join(repo, 'dist/cli.js'), 'check', built.project]).then(() => '', (e: { stdout?: string }) => e.stdout ?? '');
    assert.match(check, /cloud-init\/web2\/network-config:\d+:\d+: error cloudinit-network-mac-unknown/, `vmctx check did not flag the MAC:\n${check}`);
    const proof = await bootVm(dir, built, 'web2', '52:54:c0:a8:7a:15', log);
    assert.ok(!proof.some((l) => l.includes('192.168.122.21')), `web2 got the static address of a network-config for another MAC:\n${proof.join('\n')}`);
    assert.ok(proof.includes(`${PROOF} hostname web2`), `web2's seed was not read (hostname):\n${proof.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const URI = 'qemu:///system';

async function virsh(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    return { ok: true, out: await run('virsh', ['-q', '-c', URI, ...args], { timeout: 60_000 }) };
  } catch (e) {
    return { ok: false, out: e instanceof Error ? e.message : String(e) };
  }
}

/** Removes the domain this test defines (same name and UUID as the template) — never another one. */
async function removeOurDomain(name: string, uuid: string): Promise<void> {
  const info = await virsh(['domuuid', name]);
  if (!info.ok || info.out.trim().toLowerCase() !== uuid) return;
  await virsh(['destroy', name]);
  await virsh(['undefine', name]);
}

test('NoCloud through libvirt: vmctx deploy --start sends web1\'s seed and its example template (seed on virtio-scsi) boots configured', { timeout: 1_800_000 }, async (t) => {
  const missing = qemuMissing();
  assert.equal(missing, undefined, missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmctx-nocloud-libvirt-'));
  // libvirt's QEMU runs as libvirt-qemu: the folder must be readable by it.
  chmodSync(dir, 0o755);
  const uuid = /<uuid>([^<]+)<\/uuid>/.exec(readFileSync(path.join(repo, 'examples/nocloud-cluster/templates/web1.xml'), 'utf8'))![1].toLowerCase();
  const daemons = await ensureLibvirt();
  try {
    const log = (s: string) => t.diagnostic(s);
    await removeOurDomain('web1', uuid);
    const { image, project } = await buildProject(dir, log);
    // libvirt relabels the kernel and initrd it boots: give it copies.
    const boot = path.join(dir, 'boot');
    mkdirSync(boot);
    copyFileSync(image.kernel, path.join(boot, 'vmlinuz'));
    copyFileSync(image.initrd, path.join(boot, 'initrd.img'));
    // The example's template as shipped (disks, buses, MAC, memory), with what a CI machine
    // lacks swapped: TCG, direct kernel boot, user-mode network with the same MAC, serial to a file.
    const serialLog = path.join(dir, 'web1.serial.log');
    const templateFile = path.join(project, 'templates/web1.xml');
    writeFileSync(templateFile, adaptTemplateForBoot(readFileSync(templateFile, 'utf8'), {
      kernel: path.join(boot, 'vmlinuz'), initrd: path.join(boot, 'initrd.img'), serialLog, cmdline: 'root=/dev/vda rw console=ttyS0',
    }));
    const host = path.join(dir, 'host');
    mkdirSync(host);
    const manifestFile = path.join(project, 'vmcontext.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.hosts = [{ uri: URI, directory: host, vms: ['web1'] }];
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

    const t0 = Date.now();
    const out = await run(process.execPath, [path.join(repo, 'dist/cli.js'), 'deploy', project, '--connect', URI, '--start'], { timeout: 600_000 });
    log(out.trim());
    assert.match(out, new RegExp(`copy    seed    build/seeds/web1\\.iso -> ${host}/web1-seed\\.iso`), out);
    assert.match(out, /start   web1/, out);
    // The guest powers itself off after its report (on_poweroff: destroy).
    const deadline = Date.now() + 900_000;
    let text = '';
    for (;;) {
      text = existsSync(serialLog) ? readFileSync(serialLog, 'utf8') : '';
      const state = await virsh(['domstate', 'web1']);
      if (state.ok && /shut off/.test(state.out) && text.includes(`${PROOF} end`)) break;
      if ((state.ok && /shut off/.test(state.out)) || Date.now() > deadline) {
        assert.fail(`web1 stopped or ran out of time without its report (${state.out.trim()}); serial log tail:\n${text.split('\n').slice(-40).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    const seconds = (Date.now() - t0) / 1000;
    const proof = proofLines(text);
    log(`web1 through libvirt: deploy + boot ${seconds.toFixed(0)} s (deploy start to power-off); proof lines:\n${proof.join('\n')}`);
    writeFileSync(path.join(os.tmpdir(), 'vmctx-nocloud-libvirt-web1.proof.txt'), `${seconds.toFixed(0)} s\n${proof.join('\n')}\n`);
    assertSeedProof('web1', '192.168.122.20/24', proof);
    // libvirt kept the seed on virtio-scsi as the template says.
    const xml = (await virsh(['dumpxml', 'web1'])).out;
    assert.match(xml, /<controller type='scsi' index='0' model='virtio-scsi'/, xml);

    const again = await run(process.execPath, [path.join(repo, 'dist/cli.js'), 'deploy', project, '--connect', URI], { timeout: 600_000 });
    assert.match(again, /up to date: nothing to change/, again);
  } finally {
    await removeOurDomain('web1', uuid);
    await daemons.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

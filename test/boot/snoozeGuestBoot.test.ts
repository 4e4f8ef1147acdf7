// The Snooze flavor in a real Debian 12 guest: the cached Debian image (debianImage.ts) made
// into the example's base image without mounting it — the example's own
// base-image/contextualization and rc.local written in with debugfs, cloud-init disabled —
// then examples/snooze-cluster built by `vmctx build` (embedded writers) and debian1 booted
// under QEMU TCG from its overlay and context.iso. systemd's rc-local.service runs the
// contextualization, which runs post-install from the CD-ROM; a unit ordered after it prints
// the proof lines to the serial port and powers off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareDebianImage } from './debianImage';
import { run } from './exec';
import { PROOF, proofLines, reportUnit } from './guestReport';

const repo = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(repo, 'examples/snooze-cluster');

const REPORT = `#!/bin/sh
P=${PROOF}
ip -4 -o addr show scope global | awk -v p=$P '{ print p " address " $4 " dev " $2 }'
echo "$P resolv $(grep ^nameserver /etc/resolv.conf | tr '\\n' ' ')"
grep -h 'post-install' /var/log/contextualization.log | sed "s/^/$P log /"
ip route show | sed "s/^/$P route /"
# Not \`cloud-init status\`: once, under TCG, it never returned. cloud-init writes status.json when it runs.
if [ -e /run/cloud-init/status.json ]; then echo "$P cloud-init ran"; else echo "$P cloud-init did not run"; fi
echo "$P end"
`;

/** Writes the files of a Snooze base image into a copy of the Debian image, with debugfs (no mount). */
async function makeSnoozeBase(base: string, dir: string): Promise<void> {
  const files: Array<[string, string, number]> = [
    [path.join(EXAMPLE, 'base-image/contextualization'), '/usr/local/sbin/contextualization', 0o755],
    [path.join(EXAMPLE, 'base-image/rc.local'), '/etc/rc.local', 0o755],
  ];
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  // cloud-init would read the CONTEXT CD-ROM as an OpenNebula source and add DHCP beside it.
  files.push([write('cloud-init.disabled', ''), '/etc/cloud/cloud-init.disabled', 0o644]);
  files.push([write('vmctx-report', REPORT), '/usr/local/bin/vmctx-report', 0o755]);
  files.push([write('vmctx-report.service', reportUnit('rc-local.service')), '/etc/systemd/system/vmctx-report.service', 0o644]);
  const commands = files.flatMap(([from, to, mode]) => [`write ${from} ${to}`, `sif ${to} mode 0${(0o100000 | mode).toString(8)}`]);
  // What `systemctl enable` would do.
  commands.push('symlink /etc/systemd/system/multi-user.target.wants/vmctx-report.service /etc/systemd/system/vmctx-report.service');
  const script = write('debugfs.cmds', commands.join('\n') + '\n');
  const out = await run('debugfs', ['-w', '-f', script, base], { env: { ...process.env } }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`debugfs could not write the base image: ${e.stderr ?? e.message} (apt-get install e2fsprogs)`);
  });
  // debugfs reports a failed command on stderr and still exits 0: read the files back.
  for (const [from, to] of files) {
    const back = await run('debugfs', ['-R', `cat ${to}`, base]);
    assert.equal(back, readFileSync(from, 'utf8'), `debugfs did not write ${to}: ${out}`);
  }
}

test('Snooze: debian1 of examples/snooze-cluster configures itself from context.iso in a real Debian 12 guest (no net-tools)', { timeout: 1_800_000 }, async (t) => {
  if (process.getuid?.() !== 0) assert.fail('the boot proof runs as root');
  if (!existsSync('/usr/bin/qemu-system-x86_64')) assert.fail('qemu-system-x86_64 is missing: apt-get install qemu-system-x86');
  const log = (s: string) => t.diagnostic(s);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmctx-snooze-guest-'));
  try {
    const image = await prepareDebianImage(log);
    const project = path.join(dir, 'snooze');
    cpSync(EXAMPLE, project, { recursive: true, filter: (s) => !/[\\/](build|images[\\/].*\.raw)$/.test(s) });
    // The example's base image name, so the build's overlays name it as the example's do.
    const base = path.join(project, 'images/debian-base.raw');
    await run('cp', ['--sparse=always', image.image, base]);
    await makeSnoozeBase(base, dir);
    log((await run(process.execPath, [path.join(repo, 'dist/cli.js'), 'build', project])).trim());
    symlinkSync(base, path.join(project, 'build/overlays/debian-base.raw'));

    const serial = path.join(dir, 'debian1.serial.log');
    const t0 = Date.now();
    await run('qemu-system-x86_64', [
      '-machine', 'q35', '-accel', 'tcg', '-smp', '2', '-m', '1024', '-display', 'none', '-no-reboot',
      // net.ifnames=0: the classic eth0 that common/routes names.
      '-kernel', image.kernel, '-initrd', image.initrd, '-append', 'root=/dev/vda rw console=ttyS0 net.ifnames=0',
      '-drive', `file=${path.join(project, 'build/overlays/debian1.qcow2')},if=virtio,format=qcow2`,
      // The example's template puts context.iso on SATA, which the standard kernel drives
      // (the busybox proof); Debian's cloud kernel of this image has no AHCI: virtio-scsi here.
      '-drive', `file=${path.join(project, 'build/context.iso')},if=none,id=ctx,media=cdrom,format=raw,readonly=on`,
      '-device', 'virtio-scsi-pci,id=scsi0', '-device', 'scsi-cd,drive=ctx,bus=scsi0.0',
      '-netdev', 'user,id=n0,net=192.168.122.0/24', '-device', 'virtio-net-pci,netdev=n0,mac=00:16:c0:a8:7a:11',
      '-serial', `file:${serial}`,
    ], { timeout: 900_000 });
    const seconds = (Date.now() - t0) / 1000;
    const text = readFileSync(serial, 'utf8');
    const proof = proofLines(text);
    log(`debian1 (Snooze): QEMU ran ${seconds.toFixed(0)} s (start to power-off); proof lines:\n${proof.join('\n')}`);
    writeFileSync(path.join(os.tmpdir(), 'vmctx-snooze-debian1.proof.txt'), `${seconds.toFixed(0)} s\n${proof.join('\n')}\n`);
    const all = proof.join('\n');
    assert.ok(proof.includes(`${PROOF} end`), `no proof from the guest; serial log tail:\n${text.split('\n').slice(-40).join('\n')}`);
    assert.ok(proof.includes(`${PROOF} address 192.168.122.17/24 dev eth0`), `eth0 lacks the address of its MAC:\n${all}`);
    assert.ok(proof.some((l) => l.startsWith(`${PROOF} resolv `) && l.includes('192.168.122.1') && l.includes('9.9.9.9')), `resolv.conf lacks common/network's nameservers:\n${all}`);
    assert.ok(proof.includes(`${PROOF} log contextualization: post-install succeeded`), `post-install did not exit 0:\n${all}`);
    assert.ok(proof.some((l) => /^VMCTX-PROOF route default via 192\.168\.122\.1 dev eth0\b/.test(l)), `no default route via the gateway:\n${all}`);
    // common/routes: a route(8) line (translated, the guest has no net-tools) and an ip(8) line.
    assert.ok(proof.some((l) => /^VMCTX-PROOF route 10\.0\.0\.0\/8 via 192\.168\.122\.1 dev eth0\b/.test(l)), `the route add -net 10.0.0.0 line is not in the table:\n${all}`);
    assert.ok(proof.some((l) => /^VMCTX-PROOF route 172\.16\.0\.0\/12 via 192\.168\.122\.1 dev eth0\b/.test(l)), `the ip route 172.16.0.0/12 line is not in the table:\n${all}`);
    assert.ok(proof.includes(`${PROOF} cloud-init did not run`), `cloud-init was not disabled:\n${all}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

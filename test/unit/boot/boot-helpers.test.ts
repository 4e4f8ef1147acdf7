// The boot proof's pure helpers, without booting: the serial-log checker (a broken line of
// common/network shows up as a missing route, with the log), module load order, and the
// libvirt template adaptation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertSerialLog, expectedForDebian1, missingFromSerialLog, serialSections } from '../../boot/serial-check';
import { loadOrder, moduleDepends } from '../../boot/boot-assets';
import { adaptTemplateForBoot } from '../../boot/test-template';
import { qemuArgsFromTemplate } from '../../boot/qemu-direct';
import { exampleProject } from '../helpers/tempProject';

const GOOD = `vmctx-boot: base image unpacked from /dev/vda\r
vmctx-boot: base marker: M\r
==== contextualization.log
contextualization: running post-install from /dev/sr0
post-install: eth0 00:16:c0:a8:7a:11 -> 192.168.122.17/255.255.255.0 gateway 192.168.122.1
contextualization: post-install succeeded
==== ip -4 addr
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel qlen 1000
    inet 192.168.122.17/24 brd 192.168.122.255 scope global eth0
==== ip route
default via 192.168.122.1 dev eth0 
10.0.0.0/8 via 192.168.122.1 dev eth0 
172.16.0.0/12 via 192.168.122.1 dev eth0 
192.168.122.0/24 dev eth0 scope link  src 192.168.122.17 
==== resolv.conf
domain cluster.example
search cluster.example example
nameserver 192.168.122.1
nameserver 9.9.9.9
==== hostname
vm-192-168-122-17
==== cdrom files
755 drwxr-xr-x ./common
644 -rw-r--r-- ./common/network
644 -rw-r--r-- ./common/routes
755 -rwxr-xr-x ./post-install
==== end
vmctx-boot: done
`;

test('a log with everything passes; sections are split at ==== lines', () => {
  assert.deepEqual(missingFromSerialLog(GOOD, expectedForDebian1('M')), []);
  assert.deepEqual(serialSections(GOOD).get('hostname'), ['vm-192-168-122-17']);
});

test('a broken gateway line in common/network: the checker names what is missing and prints the log', () => {
  // What the guest shows when GATEWAY=192.168.122.254: another default route, no routes via .1.
  const broken = GOOD.replace(/via 192\.168\.122\.1 /g, 'via 192.168.122.254 ').replace('gateway 192.168.122.1', 'gateway 192.168.122.254');
  assert.throws(
    () => assertSerialLog(broken, expectedForDebian1('M'), 'QEMU boot'),
    (e: Error) =>
      e.message.startsWith('QEMU boot: the guest was not configured as the context says:') &&
      e.message.includes('section "ip route" has no line "default via 192.168.122.1 dev eth0"') &&
      e.message.includes('section "ip route" has no line "10.0.0.0/8 via 192.168.122.1 dev eth0"') &&
      e.message.includes('----- serial log -----\n' + broken),
  );
});

test('a Joliet-only ISO (no Rock Ridge modes) and a missing marker fail', () => {
  const joliet = GOOD.replace('755 -rwxr-xr-x ./post-install', '555 -r-xr-xr-x ./post-install');
  assert.deepEqual(missingFromSerialLog(joliet, expectedForDebian1('M')), ['section "cdrom files" has no line "755 -rwxr-xr-x ./post-install"']);
  assert.deepEqual(missingFromSerialLog(GOOD, expectedForDebian1('other')), ['the log has no line "vmctx-boot: base marker: other"']);
});

test('modules load after their dependencies, read from .modinfo', () => {
  const ko = Buffer.from('\0ELF...\0license=GPL\0depends=scsi_mod,cdrom,scsi_common\0vermagic=6.1\0');
  assert.deepEqual(moduleDepends(ko), ['scsi_mod', 'cdrom', 'scsi_common']);
  assert.deepEqual(moduleDepends(Buffer.from('\0depends=\0')), []);
  const deps: Record<string, string[]> = { sr_mod: ['scsi_mod', 'cdrom'], scsi_mod: ['scsi_common'], cdrom: [], scsi_common: [], isofs: [] };
  assert.deepEqual(loadOrder(['isofs', 'sr_mod'], (n) => deps[n]), ['isofs', 'scsi_common', 'scsi_mod', 'cdrom', 'sr_mod']);
  assert.throws(() => loadOrder(['a'], (n) => (n === 'a' ? ['b'] : ['a'])), /cycle: a -> b -> a/);
});

test('the template keeps its MAC and disks for both boots', () => {
  const xml = readFileSync(path.join(exampleProject, 'templates/debian1.xml'), 'utf8');
  const adapted = adaptTemplateForBoot(xml, { kernel: '/k', initrd: '/i', serialLog: '/s.log' });
  assert.match(adapted, /<domain type='qemu'>/);
  assert.match(adapted, /<interface type='user'>\s*<mac address='00:16:c0:a8:7a:11'\/>/);
  assert.match(adapted, /<source file='\/opt\/cloud\/debian1\.qcow2'\/>/);
  assert.match(adapted, /<serial type='file'>\s*<source path='\/s\.log'\/>/);
  assert.doesNotMatch(adapted, /<graphics|<cpu |type='bridge'/);
  const { args, mac } = qemuArgsFromTemplate(xml, (p) => `/h/${path.basename(p)}`, { kernel: '/k', initrd: '/i', serialLog: '/s.log' });
  assert.equal(mac, '00:16:c0:a8:7a:11');
  assert.ok(args.includes('file=/h/debian1.qcow2,if=virtio,format=qcow2'));
  assert.ok(args.includes('ide-cd,drive=disk1,bus=ide.0'));
  assert.ok(args.includes('virtio-net-pci,netdev=n0,mac=00:16:c0:a8:7a:11,romfile='));
  assert.deepEqual(args.slice(0, 4), ['-accel', 'tcg', '-M', 'q35']);
});

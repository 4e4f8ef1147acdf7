// The libvirt domain template of one new VM, in the shape of the example project's: a qcow2
// overlay over the shared base image, the context CD-ROM read-only, a bridged NIC whose MAC
// encodes the VM's IPv4 address. Written as text so the file reads like a hand-made one.

export type CdromBus = 'sata' | 'scsi' | 'ide';
export const CDROM_BUSES: readonly CdromBus[] = ['sata', 'scsi', 'ide'];

export interface DomainSpec {
  name: string;
  uuid: string;
  mac: string;
  /** For the comment at the top only. */
  ip: string;
  memoryMiB: number;
  vcpus: number;
  bridge: string;
  cdromBus: CdromBus;
  /** Folder on the hosts holding the overlays and context.iso, e.g. `/opt/cloud`. */
  remoteDirectory: string;
  /** The context.iso file name on the hosts. */
  isoName: string;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/** Comments must not contain `--`. */
const escapeComment = (s: string) => s.replace(/-{2,}/g, (m) => m.split('').join(' '));

export function cdromTarget(bus: CdromBus): string {
  // IDE: the secondary master, as on a physical PC; SATA and SCSI: the first disk letter.
  return bus === 'ide' ? 'hdc' : 'sda';
}

/** q35 has no IDE controller: an IDE CD-ROM needs the older i440FX (`pc`) machine. */
export function machineFor(bus: CdromBus): string {
  return bus === 'ide' ? 'pc' : 'q35';
}

export function domainXml(spec: DomainSpec): string {
  const x = escapeXml;
  const dir = spec.remoteDirectory.replace(/\/+$/, '') || '/';
  const at = (file: string) => (dir === '/' ? `/${file}` : `${dir}/${file}`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- ${escapeComment(spec.name)}: ${escapeComment(spec.ip)}, encoded in the last 4 bytes of its MAC ${escapeComment(spec.mac)}.
     Its disk is a qcow2 overlay over the shared base image; the CD-ROM is context.iso. -->
<domain type='kvm'>
  <name>${x(spec.name)}</name>
  <uuid>${x(spec.uuid)}</uuid>
  <memory unit='MiB'>${spec.memoryMiB}</memory>
  <currentMemory unit='MiB'>${spec.memoryMiB}</currentMemory>
  <vcpu placement='static'>${spec.vcpus}</vcpu>
  <os>
    <type arch='x86_64' machine='${machineFor(spec.cdromBus)}'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <cpu mode='host-model'/>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${x(at(`${spec.name}.qcow2`))}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${x(at(spec.isoName))}'/>
      <target dev='${cdromTarget(spec.cdromBus)}' bus='${spec.cdromBus}'/>
      <readonly/>
    </disk>
    <interface type='bridge'>
      <mac address='${x(spec.mac)}'/>
      <source bridge='${x(spec.bridge)}'/>
      <model type='virtio'/>
    </interface>
    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
    <video>
      <model type='virtio'/>
    </video>
    <memballoon model='virtio'/>
  </devices>
</domain>
`;
}

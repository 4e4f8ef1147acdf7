// The libvirt domain template of one new VM, in the shape of the example project's: a qcow2
// overlay over the shared base image, the context CD-ROM read-only, a bridged NIC whose MAC
// encodes the VM's IPv4 address. Written with fast-xml-parser's XMLBuilder.
import { XMLBuilder } from 'fast-xml-parser';

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

// fast-xml-parser's builder escapes text, attribute values and comments (`--`) for us. Made on
// first use: fast-xml-parser loads from dist/lazy/ only when a VM is planned.
let builder: XMLBuilder | undefined;
const xmlBuilder = () =>
  (builder ??= new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    commentPropName: '#comment',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
  }));

export function cdromTarget(bus: CdromBus): string {
  // IDE: the secondary master, as on a physical PC; SATA and SCSI: the first disk letter.
  return bus === 'ide' ? 'hdc' : 'sda';
}

/** q35 has no IDE controller: an IDE CD-ROM needs the older i440FX (`pc`) machine. */
export function machineFor(bus: CdromBus): string {
  return bus === 'ide' ? 'pc' : 'q35';
}

export function domainXml(spec: DomainSpec): string {
  const dir = spec.remoteDirectory.replace(/\/+$/, '') || '/';
  const at = (file: string) => (dir === '/' ? `/${file}` : `${dir}/${file}`);
  const empty = '';
  return xmlBuilder().build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    '#comment': ` ${spec.name}: ${spec.ip}, encoded in the last 4 bytes of its MAC ${spec.mac}. Its disk is a qcow2 overlay over the shared base image; the CD-ROM is context.iso. `,
    domain: {
      '@_type': 'kvm',
      name: spec.name,
      uuid: spec.uuid,
      memory: { '@_unit': 'MiB', '#text': spec.memoryMiB },
      currentMemory: { '@_unit': 'MiB', '#text': spec.memoryMiB },
      vcpu: { '@_placement': 'static', '#text': spec.vcpus },
      os: {
        type: { '@_arch': 'x86_64', '@_machine': machineFor(spec.cdromBus), '#text': 'hvm' },
        boot: { '@_dev': 'hd' },
      },
      features: { acpi: empty, apic: empty },
      cpu: { '@_mode': 'host-model' },
      clock: { '@_offset': 'utc' },
      on_poweroff: 'destroy',
      on_reboot: 'restart',
      on_crash: 'destroy',
      devices: {
        emulator: '/usr/bin/qemu-system-x86_64',
        disk: [
          {
            '@_type': 'file',
            '@_device': 'disk',
            driver: { '@_name': 'qemu', '@_type': 'qcow2' },
            source: { '@_file': at(`${spec.name}.qcow2`) },
            target: { '@_dev': 'vda', '@_bus': 'virtio' },
          },
          {
            '@_type': 'file',
            '@_device': 'cdrom',
            driver: { '@_name': 'qemu', '@_type': 'raw' },
            source: { '@_file': at(spec.isoName) },
            target: { '@_dev': cdromTarget(spec.cdromBus), '@_bus': spec.cdromBus },
            readonly: empty,
          },
        ],
        // libvirt's default SCSI controller on x86 is an LSI one, which cloud kernels (Debian's
        // linux-image-cloud-amd64) lack; virtio-scsi is in every kernel that runs on KVM.
        ...(spec.cdromBus === 'scsi' ? { controller: { '@_type': 'scsi', '@_index': '0', '@_model': 'virtio-scsi' } } : {}),
        interface: {
          '@_type': 'bridge',
          mac: { '@_address': spec.mac },
          source: { '@_bridge': spec.bridge },
          model: { '@_type': 'virtio' },
        },
        serial: { '@_type': 'pty', target: { '@_port': '0' } },
        console: { '@_type': 'pty', target: { '@_type': 'serial', '@_port': '0' } },
        graphics: { '@_type': 'vnc', '@_port': '-1', '@_autoport': 'yes', '@_listen': '127.0.0.1' },
        video: { model: { '@_type': 'virtio' } },
        memballoon: { '@_model': 'virtio' },
      },
    },
  });
}

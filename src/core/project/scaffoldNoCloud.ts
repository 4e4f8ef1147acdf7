// New cloud-init NoCloud projects, made from examples/nocloud-cluster like scaffold.ts makes
// Snooze ones: the shared user-data and the base-image notes are copied, the manifest (with
// the guests' network), README, one template and its meta-data are written.
import * as path from 'node:path';
import type { FileSystem } from '../common/fileSystem';
import { UserError } from '../common/errors';
import { domainXml } from '../fleet/domainXml';
import { macFromIp, parseIPv4 } from '../network/ipv4';
import { MANIFEST_FILE } from './manifest';
import { BLANK_BASE_IMAGE, type ScaffoldFile, type ScaffoldOptions } from './scaffold';

export const NOCLOUD_COPIED_FROM_EXAMPLE = ['cloud-init/user-data', 'images/README.md', 'images/make-base-image.sh'];

/** The first VM of a new NoCloud project, inside the example's 192.168.122.0/24. */
export const NOCLOUD_FIRST_VM = { name: 'vm1', ip: '192.168.122.20' };

const encoder = new TextEncoder();
const text = (relative: string, content: string, mode = 0o644): ScaffoldFile => ({ relative, content: encoder.encode(content), mode });

export function noCloudManifestText(bridge: string): string {
  const manifest = {
    flavor: 'nocloud',
    templates: ['templates/*.xml'],
    baseImage: BLANK_BASE_IMAGE.relative,
    isoLabel: 'CIDATA',
    remote: { directory: '/opt/cloud', bridge },
    network: { cidr: '192.168.122.0/24', gateway: '192.168.122.1', nameservers: ['192.168.122.1'], search: [], addressing: 'static' },
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}

const README = `# A cloud-init NoCloud project

Libvirt/KVM VMs from a cloud image, configured at first boot by cloud-init from a NoCloud seed
(a CD-ROM labelled \`cidata\`).

| path | what it is |
| --- | --- |
| \`cloud-init/user-data\` | \`#cloud-config\` for every VM (users, packages, files, commands) |
| \`cloud-init/<vm>/\` | a VM's own \`meta-data\` (instance-id, hostname), and \`user-data\` or \`network-config\` replacing the shared ones |
| \`templates/*.xml\` | libvirt domain templates: overlay disk, seed CD-ROM, bridge, MAC = IP |
| \`images/\` | the base image, a cloud image with cloud-init (\`debian-base.raw\` starts blank) |
| \`vmcontext.json\` | the manifest: \`"flavor": "nocloud"\` and the guests' network |

Check with \`vmctx check\` or "VM Context: Check Project".
`;

/** Every file of a new NoCloud project, from the example folder `exampleDir` (examples/nocloud-cluster). */
export async function scaffoldNoCloudProject(fs: FileSystem, exampleDir: string, options: Pick<ScaffoldOptions, 'uuid' | 'bridge'>): Promise<ScaffoldFile[]> {
  const files: ScaffoldFile[] = [];
  for (const relative of NOCLOUD_COPIED_FROM_EXAMPLE) {
    const source = path.join(exampleDir, ...relative.split('/'));
    if ((await fs.stat(source))?.type !== 'file') throw new UserError(`the example project is incomplete: ${source} is missing`, 'Reinstall the extension.');
    files.push({ relative, content: await fs.readFile(source), mode: relative.endsWith('.sh') ? 0o755 : 0o644 });
  }
  const { name, ip } = NOCLOUD_FIRST_VM;
  files.push(
    text(MANIFEST_FILE, noCloudManifestText(options.bridge)),
    text('README.md', README),
    text('.gitignore', 'build/\nimages/*.raw\nimages/*.qcow2\n'),
    text(`cloud-init/${name}/meta-data`, `instance-id: ${name}\nlocal-hostname: ${name}\n`),
    text(
      `templates/${name}.xml`,
      domainXml({
        name,
        uuid: options.uuid,
        mac: macFromIp(parseIPv4(ip)!, '52:54'),
        ip,
        memoryMiB: 1024,
        vcpus: 1,
        bridge: options.bridge,
        // Cloud images' kernels have no AHCI (SATA) driver: virtio-scsi (see the README).
        cdromBus: 'scsi',
        remoteDirectory: '/opt/cloud',
        isoName: `${name}-seed.iso`,
      }),
    ),
  );
  return files.sort((a, b) => (a.relative < b.relative ? -1 : 1));
}

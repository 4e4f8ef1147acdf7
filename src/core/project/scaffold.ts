// New context projects, made from the example project the extension ships
// (examples/snooze-cluster): its context files and base-image scripts are copied as they are,
// the manifest, README and one template are written for the new project. The adapter writes
// the returned files; nothing here touches the disk but reads through the FileSystem port.
import * as path from 'node:path';
import type { FileSystem } from '../common/fileSystem';
import { UserError } from '../common/errors';
import { domainXml } from '../fleet/domainXml';
import { macFromIp, parseIPv4 } from '../network/ipv4';
import { MANIFEST_FILE } from './manifest';

export interface ScaffoldFile {
  /** '/'-separated, relative to the new project folder. */
  relative: string;
  content: Uint8Array;
  /** 0o755 for scripts. */
  mode: number;
}

/** Example files a new project starts from, copied byte for byte. */
export const COPIED_FROM_EXAMPLE = [
  'context/post-install',
  'context/common/network',
  'context/common/routes',
  'base-image/README.md',
  'base-image/contextualization',
  'base-image/rc.local',
  'images/README.md',
  'images/make-base-image.sh',
];

const EXECUTABLE = new Set(['context/post-install', 'base-image/contextualization', 'base-image/rc.local', 'images/make-base-image.sh']);

/** The blank base image the example's make-base-image.sh would make (sparse, 64 MiB). */
export const BLANK_BASE_IMAGE = { relative: 'images/debian-base.raw', size: 64 * 1024 * 1024 };

/** The first VM of a new project: inside the example's 192.168.122.0/24, like debian1. */
export const FIRST_VM = { name: 'vm1', ip: '192.168.122.17' };

export interface ScaffoldOptions {
  uuid: string;
  bridge: string;
  isoLabel: string;
}

const encoder = new TextEncoder();
const text = (relative: string, content: string, mode = 0o644): ScaffoldFile => ({ relative, content: encoder.encode(content), mode });

export function manifestText(options: Pick<ScaffoldOptions, 'bridge' | 'isoLabel'>): string {
  const manifest = {
    contextDir: 'context',
    templates: ['templates/*.xml'],
    baseImage: BLANK_BASE_IMAGE.relative,
    isoLabel: options.isoLabel,
    output: { iso: 'build/context.iso', overlays: 'build/overlays' },
    remote: { directory: '/opt/cloud', bridge: options.bridge },
    addressing: 'mac',
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}

const README = `# A context project

Libvirt/KVM VMs that configure themselves at boot from a context CD-ROM.

| path | what it is |
| --- | --- |
| \`context/post-install\` | runs as root in each guest at boot: static address from the MAC, routes, resolv.conf, hostname |
| \`context/common/network\` | the network the guests share |
| \`context/common/routes\` | extra routes, in \`/etc/network/interfaces\` form |
| \`templates/*.xml\` | libvirt domain templates: overlay disk, context.iso CD-ROM, bridge, MAC = IP |
| \`base-image/\` | the in-guest script that mounts the CD-ROM and runs post-install (install once in the base image) |
| \`images/\` | the base image (\`debian-base.raw\` starts blank: replace it with your prepared image) |
| \`vmcontext.json\` | the manifest: where things are, and where they go on the hosts |

Build with \`vmctx build\` or "VM Context: Build…" (writes \`build/context.iso\` and
\`build/overlays/*.qcow2\`); check with \`vmctx check\` or "VM Context: Check Project".
`;

/** Every file of a new project, from the example folder `exampleDir`. */
export async function scaffoldProject(fs: FileSystem, exampleDir: string, options: ScaffoldOptions): Promise<ScaffoldFile[]> {
  const files: ScaffoldFile[] = [];
  for (const relative of COPIED_FROM_EXAMPLE) {
    const source = path.join(exampleDir, ...relative.split('/'));
    if ((await fs.stat(source))?.type !== 'file') throw new UserError(`the example project is incomplete: ${source} is missing`, 'Reinstall the extension.');
    files.push({ relative, content: await fs.readFile(source), mode: EXECUTABLE.has(relative) ? 0o755 : 0o644 });
  }
  const ip = parseIPv4(FIRST_VM.ip)!;
  files.push(
    text(MANIFEST_FILE, manifestText(options)),
    text('README.md', README),
    text('.gitignore', 'build/\nimages/*.raw\nimages/*.qcow2\n'),
    text(
      `templates/${FIRST_VM.name}.xml`,
      domainXml({
        name: FIRST_VM.name,
        uuid: options.uuid,
        mac: macFromIp(ip),
        ip: FIRST_VM.ip,
        memoryMiB: 512,
        vcpus: 1,
        bridge: options.bridge,
        cdromBus: 'sata',
        remoteDirectory: '/opt/cloud',
        isoName: 'context.iso',
      }),
    ),
  );
  return files.sort((a, b) => (a.relative < b.relative ? -1 : 1));
}

/** Every file of the example itself (for "Open Example"), skipping built output. */
export async function exampleFiles(fs: FileSystem, exampleDir: string): Promise<ScaffoldFile[]> {
  const out: ScaffoldFile[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const e of (await fs.readDirectory(dir)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.type === 'directory') {
        if (e.name !== 'build') await walk(path.join(dir, e.name), r);
      } else if (e.type === 'file' && !/\.(raw|qcow2|img|iso)$/.test(e.name)) {
        out.push({ relative: r, content: await fs.readFile(path.join(dir, e.name)), mode: EXECUTABLE.has(r) ? 0o755 : 0o644 });
      }
    }
  };
  await walk(exampleDir, '');
  // The example's manifest points its $schema into the repository; the extension contributes it.
  const manifest = out.find((f) => f.relative === MANIFEST_FILE);
  if (manifest) {
    const json = new TextDecoder().decode(manifest.content).replace(/^\s*"\$schema":.*\n/m, '');
    manifest.content = encoder.encode(json);
  }
  return out;
}

/** Files of the plan that already exist in `target` (the adapter refuses to overwrite them). */
export async function existingFiles(fs: FileSystem, target: string, files: ScaffoldFile[]): Promise<string[]> {
  const found: string[] = [];
  for (const f of files) if (await fs.stat(path.join(target, ...f.relative.split('/')))) found.push(f.relative);
  return found;
}

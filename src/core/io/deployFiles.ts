// The VMs of a built project as the deploy planner needs them: each template's text, the
// overlay and context.iso it names (matched by file name with the build's outputs), with
// sizes and hashes, and the base image the overlays read from.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../common/errors';
import { overlayPath, type ContextProject } from '../project/project';
import { leavesFolder } from '../project/outputPaths';
import { parseQcow2Header } from '../image/qcow2/index';
import type { LocalFile, VmSpec } from '../deploy/deployPlan';
import { sha256File } from './fileHash';
import { nodeFileSystem } from './nodeFileSystem';

/** A build output with its hash; for a qcow2 file also its backing file name. */
async function localFile(file: string, what: string): Promise<LocalFile & { backing?: string }> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new UserError(`${what} ${file} does not exist`, 'Run `vmctx build` first.');
  const header = parseQcow2Header(await nodeFileSystem.readHead(file, 65536));
  // libvirt reports a qcow2 volume's virtual size as its capacity.
  return { path: file, size: st.size, sha256: await sha256File(file), capacity: header?.size ?? st.size, backing: header?.backingFile };
}

export async function loadDeployInputs(project: ContextProject, names?: string[]): Promise<VmSpec[]> {
  const out: VmSpec[] = [];
  const isoName = path.basename(project.output.iso);
  let iso: LocalFile | undefined;
  let base: LocalFile | undefined;
  for (const t of project.templates) {
    const name = t.name?.value;
    if (!name || (names && !names.includes(name))) continue;
    const spec: VmSpec = { name, uuid: t.uuid?.value.toLowerCase(), templateFile: t.file, template: await fsp.readFile(t.file, 'utf8') };
    const overlayFile = overlayPath(project, name);
    if (leavesFolder(project.output.overlaysDir, overlayFile)) {
      throw new UserError(`the VM name "${name}" (${t.file}) makes its overlay ${overlayFile} leave ${project.output.overlaysDir}: a VM name must not contain "/"`);
    }
    const overlayDisk = t.disks.find((d) => d.device === 'disk' && d.source && path.posix.basename(d.source.value) === path.basename(overlayFile));
    if (overlayDisk?.source) {
      const { backing, ...local } = await localFile(overlayFile, `the overlay of ${name}`);
      spec.overlay = { templatePath: overlayDisk.source.value, local, backing };
      if (spec.overlay.backing) {
        if (!project.baseImage?.exists) throw new UserError(`the overlay of ${name} reads from a base image, but the project has none`, 'Set "baseImage" in vmcontext.json.');
        if (!base) {
          const { backing: _unused, ...file } = await localFile(project.baseImage.path, 'the base image');
          base = file;
        }
        spec.base = base;
      }
    }
    const isoDisk = t.disks.find((d) => d.device === 'cdrom' && d.source && path.posix.basename(d.source.value) === isoName);
    if (isoDisk?.source) {
      if (!iso) {
        const { backing: _unused, ...file } = await localFile(project.output.iso, 'context.iso');
        iso = file;
      }
      spec.iso = { templatePath: isoDisk.source.value, local: iso };
    }
    out.push(spec);
  }
  return out;
}

// The VMs of a built project as the deploy planner needs them: each template's text, the
// overlay and context.iso it names (matched by file name with the build's outputs), with
// sizes, and the base image the overlays read from. Nothing is hashed here: the probe hashes a
// file only when a host holds one of the same size to compare it with (core/io/virsh.ts).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { UserError, throwIfAborted } from '../common/errors';
import { overlayPath, type ContextProject } from '../project/project';
import { parseQcow2Header } from '../image/qcow2/index';
import type { LocalFile, VmSpec } from '../deploy/deployPlan';

/** A build output with its sizes; for a qcow2 file also its backing file name. */
async function localFile(file: string, what: string): Promise<LocalFile & { backing?: string }> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new UserError(`${what} ${file} does not exist`, 'Run `vmctx build` first.');
  const head = new Uint8Array(65536);
  const fh = await fsp.open(file, 'r');
  let header;
  try {
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    header = parseQcow2Header(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
  // libvirt reports a qcow2 volume's virtual size as its capacity.
  return { path: file, size: st.size, capacity: header?.size ?? st.size, backing: header?.backingFile };
}

export async function loadDeployInputs(project: ContextProject, names?: string[], signal?: AbortSignal): Promise<VmSpec[]> {
  const out: VmSpec[] = [];
  const isoName = path.basename(project.output.iso);
  let iso: LocalFile | undefined;
  let base: LocalFile | undefined;
  for (const t of project.templates) {
    throwIfAborted(signal);
    const name = t.name?.value;
    if (!name || (names && !names.includes(name))) continue;
    const spec: VmSpec = { name, uuid: t.uuid?.value.toLowerCase(), templateFile: t.file, template: await fsp.readFile(t.file, 'utf8') };
    const overlayFile = overlayPath(project, name);
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

// The VMs of a built project as the deploy planner needs them: each template's text, the
// overlay and context.iso it names (matched by file name with the build's outputs; in a NoCloud
// project the CD-ROM named `<vm>-seed.iso` gets the VM's seed `build/seeds/<vm>.iso`), with
// sizes, and the base image the overlays read from. Nothing is hashed here: the probe hashes a
// file only when a host holds one of the same size to compare it with (core/io/virsh.ts).
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import * as path from 'node:path';
import { UserError, throwIfAborted } from '../common/errors';
import { overlayPath, seedHostFileName, seedPath, type ContextProject } from '../project/project';
import { leavesFolder } from '../project/outputPaths';
import { parseQcow2Header } from '../image/qcow2/index';
import type { LocalFile, VmSpec } from '../deploy/deployPlan';

const HEAD = 4096;

/** The first `length` bytes of an open file. */
function readHead(fd: number, length: number): Uint8Array {
  const head = new Uint8Array(length);
  return head.subarray(0, readSync(fd, head, 0, length, 0));
}

/**
 * A build output with its sizes; for a qcow2 file also its backing file name. Synchronous: a
 * few small reads a file, and a fleet has thousands of overlays (promise-based file handles
 * cost far more than the reads themselves).
 */
function localFile(file: string, what: string): LocalFile & { backing?: string } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new UserError(`${what} ${file} does not exist`, 'Run `vmctx build` first.');
  }
  let header;
  let st;
  try {
    st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${what} ${file} is not a file`, 'Run `vmctx build` first.');
    header = parseQcow2Header(readHead(fd, HEAD));
    // A backing file name past the first page (qemu-img puts it right after the header).
    if (header && header.backingFileOffset + header.backingFileSize > HEAD && header.backingFileOffset + header.backingFileSize <= 65536) {
      header = parseQcow2Header(readHead(fd, header.backingFileOffset + header.backingFileSize));
    }
  } finally {
    closeSync(fd);
  }
  // libvirt reports a qcow2 volume's virtual size as its capacity.
  return { path: file, size: st.size, capacity: header?.size ?? st.size, backing: header?.backingFile };
}

export async function loadDeployInputs(project: ContextProject, names?: string[], signal?: AbortSignal): Promise<VmSpec[]> {
  const isoName = path.basename(project.output.iso);
  const wanted = names && new Set(names);
  // Shared by every VM: read once.
  let iso: LocalFile | undefined;
  let base: LocalFile | undefined;
  const withoutBacking = ({ backing: _unused, ...file }: LocalFile & { backing?: string }): LocalFile => file;
  const out: VmSpec[] = [];
  for (const [i, t] of project.templates.entries()) {
    const name = t.name?.value;
    if (!name || (wanted && !wanted.has(name))) continue;
    // Let a cancel (and the rest of the extension host) in now and then.
    if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
    throwIfAborted(signal);
    const spec: VmSpec = { name, uuid: t.uuid?.value.toLowerCase(), templateFile: t.file, template: readFileSync(t.file, 'utf8') };
    const overlayFile = overlayPath(project, name);
    if (leavesFolder(project.output.overlaysDir, overlayFile)) {
      throw new UserError(`the VM name "${name}" (${t.file}) makes its overlay ${overlayFile} leave ${project.output.overlaysDir}: a VM name must not contain "/"`);
    }
    const overlayDisk = t.disks.find((d) => d.device === 'disk' && d.source && path.posix.basename(d.source.value) === path.basename(overlayFile));
    if (overlayDisk?.source) {
      const { backing, ...local } = localFile(overlayFile, `the overlay of ${name}`);
      spec.overlay = { templatePath: overlayDisk.source.value, local, backing };
      if (backing) {
        if (!project.baseImage?.exists) throw new UserError(`the overlay of ${name} reads from a base image, but the project has none`, 'Set "baseImage" in vmcontext.json.');
        base ??= withoutBacking(localFile(project.baseImage.path, 'the base image'));
        spec.base = base;
      }
    }
    if (project.flavor === 'nocloud') {
      // Each VM its own seed; a NoCloud build writes no context.iso.
      const seedName = seedHostFileName(name);
      const seedDisk = t.disks.find((d) => d.device === 'cdrom' && d.source && path.posix.basename(d.source.value) === seedName);
      if (seedDisk?.source) spec.seed = { templatePath: seedDisk.source.value, local: withoutBacking(localFile(seedPath(project, name), `the cloud-init seed of ${name}`)) };
      out.push(spec);
      continue;
    }
    const isoDisk = t.disks.find((d) => d.device === 'cdrom' && d.source && path.posix.basename(d.source.value) === isoName);
    if (isoDisk?.source) {
      iso ??= withoutBacking(localFile(project.output.iso, 'context.iso'));
      spec.iso = { templatePath: isoDisk.source.value, local: iso };
    }
    out.push(spec);
  }
  return out;
}

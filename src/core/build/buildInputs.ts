// What a build needs to know, independent of where it came from: the project model gives it
// (buildInputsFromProject), tests and other callers can fill it in directly.
import { posix, basename, dirname } from 'node:path';
import type { ContextProject } from '../project/project';
import { overlayPath, stateFilePath } from '../project/project';

export interface OverlayInput {
  vm: string;
  /** Local path of the overlay to write. */
  path: string;
  /** Stored in the overlay: the base image relative to where the overlay lives on the hosts. */
  backingName: string;
}

export interface BuildInputs {
  projectDir: string;
  contextDir: string;
  iso: { path: string; label: string };
  /** Local path of the base image; required for overlays. */
  baseImage?: string;
  overlays: OverlayInput[];
  /** The folder the overlays belong in: an overlay path (made from a VM name) outside it is refused. */
  overlaysDir?: string;
  /** Files the project reads besides the context folder and base image (templates, manifest): never written. */
  inputFiles?: string[];
  /** The incremental build record, e.g. `build/.vmcontext-build.json`. */
  stateFile: string;
}

export { STATE_FILE } from '../project/project';

/**
 * The backing name for an overlay: relative from the overlay's folder on the hosts to the base
 * image there. Without a remote layout both are taken to share one folder (the Snooze layout).
 */
export function backingNameFor(baseImage: string, remoteOverlay: string | undefined, remoteDir: string | undefined): string {
  const base = basename(baseImage);
  if (!remoteDir) return base;
  const overlayDir = remoteOverlay ? posix.dirname(remoteOverlay) : remoteDir;
  return posix.relative(overlayDir, posix.join(remoteDir, base)) || base;
}

export function buildInputsFromProject(project: ContextProject): BuildInputs {
  const overlays: OverlayInput[] = [];
  const seen = new Set<string>();
  for (const t of project.templates) {
    const vm = t.name?.value;
    if (!t.isDomain || !vm || seen.has(vm)) continue;
    seen.add(vm);
    // The template's own qcow2 disk says where the overlay lives on the hosts.
    const disk = t.disks.find((d) => d.device === 'disk' && d.source?.value.startsWith('/') && d.source.value.endsWith('.qcow2'));
    const path = overlayPath(project, vm);
    // A name with '/' would put the overlay elsewhere; domain-name-invalid reports it.
    if (dirname(path) !== project.output.overlaysDir) continue;
    overlays.push({
      vm,
      path,
      backingName: project.baseImage ? backingNameFor(project.baseImage.path, disk?.source?.value, project.remote.directory) : '',
    });
  }
  return {
    projectDir: project.root,
    contextDir: project.contextDir,
    iso: { path: project.output.iso, label: project.isoLabel },
    baseImage: project.baseImage?.exists ? project.baseImage.path : project.baseImage?.path,
    overlays,
    overlaysDir: project.output.overlaysDir,
    inputFiles: [...project.templates.map((t) => t.file), ...(project.manifestPath ? [project.manifestPath] : [])],
    stateFile: stateFilePath(project),
  };
}

// What a build needs to know, independent of where it came from: the project model gives it
// (buildInputsFromProject), tests and other callers can fill it in directly.
import { posix, basename, dirname } from 'node:path';
import type { ContextProject, NetworkSettings } from '../project/project';
import { overlayPath, seedPath, stateFilePath } from '../project/project';
import type { Addressing } from '../project/manifest';
import type { TemplateInfo } from '../project/template';

export interface OverlayInput {
  vm: string;
  /** Local path of the overlay to write. */
  path: string;
  /** Stored in the overlay: the base image relative to where the overlay lives on the hosts. */
  backingName: string;
}

/** One VM's NoCloud seed: where it goes and the project files it is made of. */
export interface SeedInput {
  vm: string;
  /** Local path of the seed to write, e.g. build/seeds/web1.iso. */
  path: string;
  /** The template's first MAC (a generated network-config matches it). */
  mac?: string;
  /** Paths of the VM's own file, else the shared one; undefined when the project has neither. */
  userData?: string;
  metaData?: string;
  networkConfig?: string;
  /** Files whose newest mtime dates the image when SOURCE_DATE_EPOCH is not set (template, manifest). */
  dateFrom: string[];
}

export interface SeedsInput {
  label: string;
  /** The folder the seeds belong in (a seed path outside it is refused), and the cloud-init/ folder they are made from. */
  dir?: string;
  cloudInitDir?: string;
  network?: NetworkSettings;
  addressing: Addressing;
  vms: SeedInput[];
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
  /** NoCloud projects: one seed per VM, made instead of the context ISO. */
  seeds?: SeedsInput;
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

/**
 * Each VM of the project once (the first domain template of a name) with its output file in
 * `dir` (overlay or seed, named after the VM). A name that would put the file elsewhere ('/')
 * is left out: domain-name-invalid and output-path-conflict report it.
 */
function perVm<T>(project: ContextProject, dir: string, pathOf: (project: ContextProject, vm: string) => string, make: (vm: string, path: string, t: TemplateInfo) => T): T[] {
  const out: T[] = [];
  const seen = new Set<string>();
  for (const t of project.templates) {
    const vm = t.name?.value;
    if (!t.isDomain || !vm || seen.has(vm)) continue;
    seen.add(vm);
    const path = pathOf(project, vm);
    if (dirname(path) === dir) out.push(make(vm, path, t));
  }
  return out;
}

export function buildInputsFromProject(project: ContextProject): BuildInputs {
  const overlays = perVm(project, project.output.overlaysDir, overlayPath, (vm, path, t): OverlayInput => {
    // The template's own qcow2 disk says where the overlay lives on the hosts.
    const disk = t.disks.find((d) => d.device === 'disk' && d.source?.value.startsWith('/') && d.source.value.endsWith('.qcow2'));
    return { vm, path, backingName: project.baseImage ? backingNameFor(project.baseImage.path, disk?.source?.value, project.remote.directory) : '' };
  });
  return {
    projectDir: project.root,
    contextDir: project.contextDir,
    iso: { path: project.output.iso, label: project.isoLabel },
    baseImage: project.baseImage?.exists ? project.baseImage.path : project.baseImage?.path,
    overlays,
    overlaysDir: project.output.overlaysDir,
    inputFiles: [...project.templates.map((t) => t.file), ...(project.manifestPath ? [project.manifestPath] : [])],
    seeds: project.flavor === 'nocloud' ? seedsFromProject(project) : undefined,
    stateFile: stateFilePath(project),
  };
}

function seedsFromProject(project: ContextProject): SeedsInput {
  const files = project.cloudInit?.files ?? [];
  const fileFor = (kind: string, vm: string) =>
    (files.find((f) => f.kind === kind && f.vm === vm) ?? files.find((f) => f.kind === kind && f.vm === undefined))?.path;
  const vms = perVm(project, project.output.seedsDir, seedPath, (vm, path, t): SeedInput => ({
    vm,
    path,
    mac: t.interfaces.find((i) => i.mac)?.mac?.value,
    userData: fileFor('user-data', vm),
    metaData: fileFor('meta-data', vm),
    networkConfig: fileFor('network-config', vm),
    dateFrom: [t.file, ...(project.manifestPath ? [project.manifestPath] : [])],
  }));
  return { label: project.isoLabel, network: project.network, addressing: project.addressing, dir: project.output.seedsDir, cloudInitDir: project.cloudInit?.dir, vms };
}

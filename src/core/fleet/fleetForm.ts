// The New VM / New Fleet form as the user typed it (strings), its defaults for a project,
// and the field names problems are reported against. The form's fields are defined once, in
// the webview protocol (src/shared/fleetProtocol.ts, which imports nothing); the core uses them.
import * as path from 'node:path';
import { formatIPv4 } from '../network/ipv4';
import type { ContextProject } from '../project/project';
import type { Settings } from '../settings';
import type { FieldMessage, FleetFormValues } from '../../shared/fleetProtocol';
import { addressPoolOf, suggestFirstIp } from './addressPool';
import type { CdromBus } from './domainXml';

export type FleetForm = FleetFormValues;

/** A problem shown under a field (`form`: the whole form). */
export type FieldProblem = FieldMessage;

export const DEFAULT_MEMORY_MIB = 512;
export const DEFAULT_VCPUS = 1;
export const DEFAULT_CDROM_BUS: CdromBus = 'sata';

/** Project-relative, '/'-separated. */
export function relativeToProject(project: ContextProject, file: string): string {
  return path.relative(project.root, file).split(path.sep).join('/');
}

/** Defaults: a single `vm{n}` or a fleet of three `web{n}`, from the first free address. */
export function defaultFleetForm(project: ContextProject, settings: Settings, mode: 'vm' | 'fleet'): FleetForm {
  const first = suggestFirstIp(addressPoolOf(project));
  return {
    name: mode === 'vm' ? 'vm{n}' : 'web{n}',
    count: mode === 'vm' ? '1' : '3',
    firstIp: first !== undefined ? formatIPv4(first) : '',
    memoryMiB: String(DEFAULT_MEMORY_MIB),
    vcpus: String(DEFAULT_VCPUS),
    baseImage: project.baseImage ? relativeToProject(project, project.baseImage.path) : '',
    bridge: project.manifest.remote?.bridge ?? (project.templates.flatMap((t) => t.interfaces).find((i) => i.bridge)?.bridge?.value || settings.defaults.bridge),
    // NoCloud base images are cloud images, whose kernels have no AHCI (SATA) driver.
    cdromBus: project.flavor === 'nocloud' ? 'scsi' : DEFAULT_CDROM_BUS,
    createOverlays: false,
  };
}

// The NoCloud seed files of a project (cloud-init/user-data, network-config, meta-data and
// the per-VM copies in cloud-init/<vm>/) with what the checks need to know of the project:
// which VM a file is for, which VMs a shared file serves, the other VMs' instance-ids.
import * as path from 'node:path';
import type { Diagnostic } from '../../common/diagnostic';
import { CLOUD_INIT_KINDS, type CloudInitContext, type CloudInitKind } from '../../cloudinit/cloudInitTypes';
import { metaDataDiagnostics, type OtherInstanceId } from '../../cloudinit/metaData';
import { networkConfigDiagnostics } from '../../cloudinit/networkConfig';
import { userDataDiagnostics } from '../../cloudinit/userData';
import { DEFAULTS, type ContextProject } from '../../project/project';
import type { TemplateInfo } from '../../project/template';
import type { FileValidator } from '../validator';

/** Where a file sits in the project's cloud-init/ folder: its kind and, for a per-VM file, the VM folder. */
export function cloudInitFileOf(project: ContextProject, file: string): { kind: CloudInitKind; vm?: string } | undefined {
  if (project.flavor !== 'nocloud') return undefined;
  const dir = project.cloudInit?.dir ?? path.join(project.root, DEFAULTS.cloudInitDir);
  const rel = path.relative(dir, file).split(path.sep);
  if (rel[0] === '..' || path.isAbsolute(rel[0]) || rel.length > 2) return undefined;
  const kind = rel[rel.length - 1] as CloudInitKind;
  if (!CLOUD_INIT_KINDS.includes(kind)) return undefined;
  return rel.length === 2 ? { kind, vm: rel[0] } : { kind };
}

export const vmNameOf = (t: TemplateInfo): string => t.name?.value ?? path.basename(t.file, path.extname(t.file));

/** The check context of one seed file of the project. */
export function cloudInitContext(project: ContextProject, file: string): CloudInitContext & { otherInstanceIds: OtherInstanceId[] } {
  const where = cloudInitFileOf(project, file);
  const files = project.cloudInit?.files ?? [];
  const ownCopy = (kind: CloudInitKind) => new Set(files.filter((f) => f.kind === kind && f.vm).map((f) => f.vm!));
  const servedBy = (f: { kind: CloudInitKind; vm?: string }) =>
    f.vm ? project.templates.filter((t) => vmNameOf(t) === f.vm) : project.templates.filter((t) => !ownCopy(f.kind).has(vmNameOf(t)));
  const otherInstanceIds = files
    .filter((f) => f.kind === 'meta-data' && f.instanceId !== undefined && f.path !== file)
    .map((f) => ({ file: f.path, id: f.instanceId!, vms: servedBy(f).map(vmNameOf) }))
    .filter((o) => o.vms.length > 0);
  if (!where) return { project, file, otherInstanceIds };
  if (where.vm) {
    const vm = project.templates.find((t) => vmNameOf(t) === where.vm);
    // A folder named after no VM serves nobody (reported on the folder): no cross-file rules.
    return vm ? { project, file, vm, otherInstanceIds } : { project, file, sharedBy: [], otherInstanceIds: [] };
  }
  return { project, file, sharedBy: servedBy(where), otherInstanceIds };
}

/** The diagnostics of one seed file's text, by its kind. */
export function cloudInitDiagnostics(kind: CloudInitKind, text: string, context: CloudInitContext & { otherInstanceIds?: OtherInstanceId[] }): Diagnostic[] {
  switch (kind) {
    case 'user-data':
      return userDataDiagnostics(text, context);
    case 'network-config':
      return networkConfigDiagnostics(text, context);
    case 'meta-data':
      return metaDataDiagnostics(text, context);
  }
}

export const cloudInitValidator: FileValidator = {
  id: 'cloud-init',
  appliesTo: (project, file) => cloudInitFileOf(project, file) !== undefined,
  validate({ project, file, text }) {
    const where = cloudInitFileOf(project, file)!;
    return cloudInitDiagnostics(where.kind, text, cloudInitContext(project, file));
  },
};

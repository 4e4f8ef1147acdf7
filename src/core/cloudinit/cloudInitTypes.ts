// Plain types shared by the cloud-init checks, completion and hover.
import type { ContextProject } from '../project/project';
import type { TemplateInfo } from '../project/template';

export const SOURCE = 'vm-context (cloud-init)';

/** The three files of a NoCloud seed. */
export type CloudInitKind = 'user-data' | 'network-config' | 'meta-data';

export const CLOUD_INIT_KINDS: readonly CloudInitKind[] = ['user-data', 'network-config', 'meta-data'];

/**
 * Whether cloud-init's NoCloud finds a seed volume with this label: it asks blkid for
 * `LABEL=CIDATA` and `LABEL=cidata`, and blkid compares the case.
 */
export function isNoCloudLabel(label: string): boolean {
  return label === 'CIDATA' || label === 'cidata';
}

/** What a check knows beyond the file's text; every field is optional (a lone file has none). */
export interface CloudInitContext {
  project?: ContextProject;
  /** The VM this file is for (a per-VM file in cloud-init/<vm>/), when it is one VM's. */
  vm?: TemplateInfo;
  /** The VMs a shared file (cloud-init/<file>) applies to: those without their own copy. */
  sharedBy?: TemplateInfo[];
  /** Absolute path of the file (for related information). */
  file?: string;
}

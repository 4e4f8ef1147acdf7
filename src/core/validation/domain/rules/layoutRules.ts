// The remote layout of a context project: each VM boots its own overlay REMOTE/NAME.qcow2 with
// REMOTE/context.iso as CD-ROM, on the project's bridge. Deviations are warnings: they may be
// deliberate, but usually are a copied template that was not fully edited.
import * as path from 'node:path';
import { diagnostic, type Diagnostic } from '../../../common/diagnostic';
import { seedHostFileName, type ContextProject } from '../../../project/project';
import { SOURCE, type DomainRuleInput } from './ruleInput';

export function remoteOverlayPath(project: ContextProject, vmName: string): string | undefined {
  const dir = project.remote.directory;
  return dir ? path.posix.join(dir, `${vmName}.qcow2`) : undefined;
}

export function remoteIsoPath(project: ContextProject): string | undefined {
  const dir = project.remote.directory;
  return dir ? path.posix.join(dir, path.basename(project.output.iso)) : undefined;
}

/** A NoCloud VM's seed on the hosts: REMOTE/NAME-seed.iso (the build writes build/seeds/NAME.iso). */
export function remoteSeedPath(project: ContextProject, vmName: string): string | undefined {
  const dir = project.remote.directory;
  return dir ? path.posix.join(dir, seedHostFileName(vmName)) : undefined;
}

export function diskNotOverlayRule({ project, info }: DomainRuleInput): Diagnostic[] {
  const name = info.name?.value;
  const expected = name && remoteOverlayPath(project, name);
  if (!expected) return [];
  const disks = info.disks.filter((d) => d.device === 'disk' && d.source);
  if (!disks.length || disks.some((d) => d.source!.value === expected)) return [];
  const first = disks[0].source!;
  return [
    diagnostic(
      'domain-disk-not-overlay',
      'warning',
      `the disk is ${first.value}, not this VM's overlay ${expected}: the build writes build/overlays/${name}.qcow2 for it, and two VMs booting one disk corrupt it`,
      first.range,
      { source: SOURCE, fixes: [{ title: `Use the overlay ${expected}`, edits: [{ range: first.range, newText: expected }], preferred: true }] },
    ),
  ];
}

export function contextIsoPathRule({ project, info }: DomainRuleInput): Diagnostic[] {
  if (project.flavor === 'nocloud') return seedPathDiagnostics(project, info);
  const expected = remoteIsoPath(project);
  if (!expected) return [];
  const cds = info.disks.filter((d) => d.device === 'cdrom' && d.source);
  if (!cds.length || cds.some((d) => d.source!.value === expected)) return [];
  const first = cds[0].source!;
  return [
    diagnostic('domain-context-iso-path', 'warning', `the CD-ROM is ${first.value}, not the project's context ISO ${expected}: the guest will not find its post-install`, first.range, {
      source: SOURCE,
      fixes: [{ title: `Use ${expected}`, edits: [{ range: first.range, newText: expected }], preferred: true }],
    }),
  ];
}

/** A NoCloud VM's CD-ROM is its own cloud-init seed, not the shared context.iso nor another VM's. */
function seedPathDiagnostics(project: ContextProject, info: DomainRuleInput['info']): Diagnostic[] {
  const name = info.name?.value;
  const expected = name && remoteSeedPath(project, name);
  if (!expected) return [];
  const cds = info.disks.filter((d) => d.device === 'cdrom' && d.source);
  if (!cds.length || cds.some((d) => d.source!.value === expected)) return [];
  const first = cds[0].source!;
  const why = first.value === remoteIsoPath(project) || path.posix.basename(first.value) === 'context.iso'
    ? 'the Snooze context ISO, which a NoCloud project does not build'
    : 'not this VM\'s seed';
  return [
    diagnostic('domain-seed-path', 'warning', `the CD-ROM is ${first.value}, ${why}: the build writes ${name}'s cloud-init seed for ${expected}, and cloud-init would not configure the guest`, first.range, {
      source: SOURCE,
      fixes: [{ title: `Use the seed ${expected}`, edits: [{ range: first.range, newText: expected }], preferred: true }],
    }),
  ];
}

export function bridgeMismatchRule({ project, info }: DomainRuleInput): Diagnostic[] {
  const want = project.remote.bridge;
  const out: Diagnostic[] = [];
  for (const i of info.interfaces) {
    if (i.type !== 'bridge' || !i.bridge || i.bridge.value === want) continue;
    out.push(
      diagnostic('domain-bridge-mismatch', 'warning', `bridge '${i.bridge.value}' differs from the project's bridge '${want}'`, i.bridge.range, {
        source: SOURCE,
        fixes: [{ title: `Use bridge '${want}'`, edits: [{ range: i.bridge.range, newText: want }], preferred: true }],
      }),
    );
  }
  return out;
}

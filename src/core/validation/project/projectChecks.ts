// Checks of the project as a whole (not of one file's text): missing pieces of the layout.
import * as path from 'node:path';
import { diagnostic, zeroRange } from '../../common/diagnostic';
import type { FileDiagnostics } from '../../common/diagnostic';
import type { ContextProject } from '../../project/project';
import { cloudInitLayoutChecks } from '../cloudinit/cloudInitLayout';
import { guestFileChecks } from '../guest/guestFiles';

export function projectChecks(project: ContextProject): FileDiagnostics[] {
  const out = new Map<string, FileDiagnostics>();
  const add = (file: string, d: ReturnType<typeof diagnostic>) => {
    let entry = out.get(file);
    if (!entry) out.set(file, (entry = { file, diagnostics: [] }));
    entry.diagnostics.push(d);
  };
  for (const p of project.diagnostics) add(p.file, p.diagnostic);

  if (project.flavor === 'nocloud') {
    for (const [file, d] of cloudInitLayoutChecks(project)) add(file, d);
    return [...out.values()];
  }
  for (const g of guestFileChecks(project)) for (const d of g.diagnostics) add(g.file, d);
  if (project.manifest.network) {
    add(
      project.manifestPath ?? project.root,
      diagnostic('manifest-network-unused', 'warning', 'vmcontext.json "network" is read by NoCloud projects ("flavor": "nocloud") only; a Snooze project\'s guests read context/common/network', zeroRange, { source: 'vm-context' }),
    );
  }

  const rel = path.relative(project.root, project.contextDir) || '.';
  if (!project.contextDirExists) {
    add(
      project.manifestPath ?? project.root,
      diagnostic('context-missing', 'warning', `the context folder ${rel}/ ${project.contextDirIs ? `is not a folder but ${project.contextDirIs}` : 'does not exist'}: create it with a post-install script (or set "contextDir" in vmcontext.json)`, zeroRange, {
        source: 'vm-context',
      }),
    );
  } else if (!project.contextFiles.some((f) => f.role === 'post-install')) {
    add(
      project.contextDir,
      diagnostic(
        'context-missing-post-install',
        'warning',
        `${rel}/post-install is missing: the guest finds nothing to run on the CD-ROM and falls back to DHCP; add an executable script there`,
        zeroRange,
        { source: 'vm-context' },
      ),
    );
  }
  return [...out.values()];
}

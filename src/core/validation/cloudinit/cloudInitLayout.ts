// The layout of a NoCloud project as a whole: cloud-init/ and user-data present for every VM,
// per-VM folders named after VMs, nothing in cloud-init/ the seed would leave out, and the
// network in vmcontext.json when addresses come from MACs.
import * as path from 'node:path';
import { diagnostic, zeroRange, type Diagnostic } from '../../common/diagnostic';
import { closestMatch } from '../../common/suggest';
import { CLOUD_INIT_KINDS, isNoCloudLabel } from '../../cloudinit/cloudInitTypes';
import type { ContextProject } from '../../project/project';
import { vmNameOf } from './cloudInitValidator';

const SOURCE = 'vm-context';

export function cloudInitLayoutChecks(project: ContextProject): Array<[string, Diagnostic]> {
  const out: Array<[string, Diagnostic]> = [];
  const layout = project.cloudInit;
  if (!layout) return out;
  const manifestFile = project.manifestPath ?? project.root;
  const rel = (f: string) => path.relative(project.root, f).split(path.sep).join('/');
  if (!isNoCloudLabel(project.isoLabel)) {
    out.push([
      manifestFile,
      diagnostic('cloudinit-iso-label', 'error', `"isoLabel": "${project.isoLabel}": cloud-init's NoCloud only reads a seed volume labelled CIDATA (or cidata), so the VMs would boot unconfigured`, zeroRange, { source: SOURCE }),
    ]);
  }
  if (project.manifest.contextDir) {
    out.push([manifestFile, diagnostic('manifest-field-unused', 'warning', '"contextDir" is not used by a NoCloud project: its files are in cloud-init/', zeroRange, { source: SOURCE })]);
  }
  if (!layout.dirExists) {
    out.push([
      manifestFile,
      diagnostic('cloudinit-missing', 'warning', `this NoCloud project has no ${rel(layout.dir)}/ folder${layout.dirIs ? ` (${rel(layout.dir)} is ${layout.dirIs})` : ''}: create ${rel(layout.dir)}/user-data starting with #cloud-config`, zeroRange, { source: SOURCE }),
    ]);
    return out;
  }
  const vms = project.templates.map(vmNameOf);
  const shared = new Set(layout.files.filter((f) => !f.vm).map((f) => f.kind));
  const own = (vm: string) => new Set(layout.files.filter((f) => f.vm === vm).map((f) => f.kind));
  if (!shared.has('user-data')) {
    const without = vms.filter((vm) => !own(vm).has('user-data'));
    if (without.length || !vms.length) {
      out.push([
        layout.dir,
        diagnostic(
          'cloudinit-missing-user-data',
          'warning',
          `${rel(layout.dir)}/user-data is missing${without.length ? ` and ${without.join(', ')} ${without.length > 1 ? 'have none of their own' : 'has none of its own'}` : ''}: cloud-init then configures nothing (no users, no SSH keys); add one starting with #cloud-config`,
          zeroRange,
          { source: SOURCE },
        ),
      ]);
    }
  }
  const vmDirs = new Set(layout.files.filter((f) => f.vm).map((f) => f.vm!));
  for (const vm of [...vmDirs].sort()) {
    if (vms.includes(vm)) continue;
    const guess = closestMatch(vm, vms);
    out.push([
      path.join(layout.dir, vm),
      diagnostic(
        'cloudinit-vm-unknown',
        'warning',
        `${rel(path.join(layout.dir, vm))}/ is named after no VM of the project (${guess ? `did you mean ${guess}?` : `VMs: ${vms.join(', ') || 'none'}`}), so its files are never used`,
        zeroRange,
        { source: SOURCE },
      ),
    ]);
  }
  for (const other of layout.others) {
    const base = path.basename(other);
    const guess = closestMatch(base.replace(/\.(ya?ml|json|txt|cfg)$/i, ''), CLOUD_INIT_KINDS);
    out.push([
      other,
      diagnostic(
        'cloudinit-file-unknown',
        'warning',
        `${rel(other)} is not a NoCloud seed file (${CLOUD_INIT_KINDS.join(', ')} in ${rel(layout.dir)}/ or ${rel(layout.dir)}/<vm>/)${guess ? `; rename it to ${guess}` : ''}: the seed leaves it out`,
        zeroRange,
        { source: SOURCE },
      ),
    ]);
  }
  const needsNetwork = project.addressing === 'mac' && vms.some((vm) => !own(vm).has('network-config')) && !shared.has('network-config');
  if (needsNetwork && !project.network) {
    out.push([
      manifestFile,
      diagnostic(
        'manifest-network-missing',
        'warning',
        'a NoCloud project with static addressing needs "network": {"cidr": "192.168.122.0/24", "gateway": "192.168.122.1"} in vmcontext.json to give each VM the address its MAC encodes',
        zeroRange,
        { source: SOURCE },
      ),
    ]);
  }
  return out;
}

// The plan as text, for `vmctx deploy --dry-run` and the log: one line a step.
import { formatBytes as bytes } from '../common/bytes';
import { changeCount, type DeployPlan, type DeployStep } from './deployPlan';

/** `show` turns a path into what the user reads (e.g. relative to the project). */
export function describeStep(s: DeployStep, show: (p: string) => string = (p) => p): string {
  switch (s.kind) {
    case 'send':
      return s.pool
        ? `upload  ${s.role.padEnd(7)} ${show(s.from)} -> pool ${s.pool} volume ${s.volume} (${bytes(s.bytes)}, ${s.reason})`
        : `copy    ${s.role.padEnd(7)} ${show(s.from)} -> ${s.to} (${bytes(s.bytes)}, ${s.reason})`;
    case 'keep-file':
      return `keep    ${s.role.padEnd(7)} ${s.to} (${s.reason})`;
    case 'define':
      return `define  ${s.vm} (${s.reason === 'absent' ? 'not defined yet' : 'definition changed'})`;
    case 'keep-domain':
      return `keep    ${s.vm} (${s.reason})`;
    case 'start':
      return `start   ${s.vm}`;
  }
}

export function formatPlan(plan: DeployPlan, show?: (p: string) => string): string {
  const out: string[] = [];
  for (const h of plan.hosts) {
    out.push(`${h.uri}${h.local ? ' (this machine)' : ''}:`);
    if (h.steps.length === 0) out.push('  nothing to deploy');
    for (const s of h.steps) out.push(`  ${describeStep(s, show)}`);
  }
  for (const vm of plan.unassigned) out.push(`not deployed: ${vm} (no host takes it)`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  for (const e of plan.errors) out.push(`error: ${e}`);
  const n = changeCount(plan);
  out.push(plan.errors.length ? 'nothing deployed: fix the errors above' : n === 0 ? 'up to date: nothing to change' : `${n} change${n === 1 ? '' : 's'}`);
  return out.join('\n') + '\n';
}

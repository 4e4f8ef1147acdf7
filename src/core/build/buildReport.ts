// The lines a build result prints, shared by `vmctx build` and the VS Code task terminal.
import type { BuildResult } from './buildPlan';
import { printable } from '../common/text';

export interface ReportLine {
  stream: 'out' | 'err';
  text: string;
}

/** What was written, kept and why, and every problem; `show` turns a path into a display path. */
export function buildReportLines(result: BuildResult, show: (path: string) => string): ReportLine[] {
  const lines: ReportLine[] = [];
  for (const p of result.problems) lines.push({ stream: 'err', text: `${show(p.file)}: ${p.severity} ${p.code}: ${p.message}` });
  for (const o of result.outcomes) {
    for (const m of o.toolMessages) lines.push({ stream: 'err', text: `${show(o.output)}: ${m.severity}: ${m.message}` });
    if (o.ok) lines.push({ stream: 'out', text: `wrote ${show(o.output)} (${o.backend}, ${o.ms} ms): ${o.message}` });
    else lines.push({ stream: 'err', text: `failed ${show(o.output)} (${o.backend}): ${o.message}` });
  }
  for (const s of result.skipped) lines.push({ stream: 'out', text: `skipped ${show(s.output)}: ${s.reason}` });
  if (!result.outcomes.length && !result.skipped.length && result.ok) lines.push({ stream: 'out', text: 'nothing to build' });
  // Paths and messages quote the project's file names and tools' output: made printable.
  return lines.map((l) => ({ ...l, text: printable(l.text, 2000) }));
}

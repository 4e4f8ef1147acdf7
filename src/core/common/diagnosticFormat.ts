// Diagnostic output shared by `vmctx check`, `vmctx rng` and the Check Project task: text lines and the JSON shape.
import * as path from 'node:path';
import type { FileDiagnostics } from './diagnostic';
import { printable } from './text';

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

/**
 * `file` relative to `base` with '/' (absolute when no base is given), positions 1-based;
 * file and message `printable` (they quote project files: no raw control bytes, no 5 MB token).
 */
export function toJsonDiagnostics(results: FileDiagnostics[], base?: string): JsonDiagnostic[] {
  return results.flatMap(({ file, diagnostics }) => {
    // Most files have nothing to say (`vmctx rng` over thousands): no path to work out for them.
    if (diagnostics.length === 0) return [];
    const rel = base === undefined ? file : path.relative(base, file).split(path.sep).join('/') || '.';
    return diagnostics.map((d) => ({
      file: printable(rel),
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: d.severity,
      code: d.code,
      message: printable(d.message),
    }));
  });
}

/** `file:line:column: severity code: message`, one per line. */
export function formatText(diags: JsonDiagnostic[]): string {
  return diags.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n`).join('');
}

export function formatJson(diags: JsonDiagnostic[]): string {
  return JSON.stringify({ diagnostics: diags }, null, 2) + '\n';
}

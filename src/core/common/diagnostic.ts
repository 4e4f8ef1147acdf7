// Plain-data diagnostics shared by every validator, the CLI and the extension.
// Positions are 0-based (line, character in UTF-16 code units), as in LSP and VS Code.
import type { DiagnosticCode } from './diagnosticCodes';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A text replacement in one file; `file` defaults to the file of the diagnostic. */
export interface TextEdit {
  file?: string;
  range: Range;
  newText: string;
}

/** A quick fix computed by the core; adapters turn it into a code action or apply it. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix the user most likely wants (VS Code shows it first / "preferred"). */
  preferred?: boolean;
  /**
   * Changes to the file that no text edit can express in an editor (which keeps one line ending
   * per document and hides the byte-order mark): set the line endings to LF, drop the BOM.
   */
  lineEndings?: 'lf';
  removeBom?: boolean;
}

export interface RelatedInformation {
  file: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable code such as `xml-malformed`, from the registry in diagnosticCodes.ts. */
  code: DiagnosticCode;
  message: string;
  /** What produced it, e.g. `vm-context` or `libvirt-schema (domain.rng)`. */
  source?: string;
  related?: RelatedInformation[];
  fixes?: Fix[];
}

/** Diagnostics of one file; `file` is an absolute path. */
export interface FileDiagnostics {
  file: string;
  diagnostics: Diagnostic[];
}

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

export const zeroRange: Range = range(0, 0, 0, 0);

export function diagnostic(
  code: DiagnosticCode,
  severity: Severity,
  message: string,
  at: Range,
  extra: Partial<Pick<Diagnostic, 'source' | 'related' | 'fixes'>> = {},
): Diagnostic {
  return { range: at, severity, code, message, ...extra };
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** Sort by position, then severity, so output is stable across runs. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    severityRank[a.severity] - severityRank[b.severity] ||
    a.code.localeCompare(b.code)
  );
}

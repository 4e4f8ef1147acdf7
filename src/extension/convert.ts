// Core plain data ⇄ vscode types.
import * as vscode from 'vscode';
import type { Diagnostic, Fix, Range, Severity, TextEdit } from '../core/common/diagnostic';
import { printable } from '../core/common/text';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const severities: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), printable(d.message), severities[d.severity]);
  out.code = d.code;
  out.source = d.source ?? 'vm-context';
  if (d.related?.length) {
    out.relatedInformation = d.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), toRange(r.range)), printable(r.message)),
    );
  }
  return out;
}

/** Core edits (file defaults to `file`) into a WorkspaceEdit; `lineEndings` also sets the document's EOL. */
export function toWorkspaceEdit(file: string, edits: TextEdit[], lineEndings?: Fix['lineEndings']): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.replace(vscode.Uri.file(e.file ?? file), toRange(e.range), e.newText);
  // An editor keeps one line ending per document: inserted "\n" would come back as CRLF.
  if (lineEndings === 'lf') {
    const uri = vscode.Uri.file(file);
    we.set(uri, [...we.get(uri), vscode.TextEdit.setEndOfLine(vscode.EndOfLine.LF)]);
  }
  return we;
}

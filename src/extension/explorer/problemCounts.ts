// Problem counts per file, as the Problems panel shows them (every diagnostic source).
import * as vscode from 'vscode';
import type { ProblemCount } from '../../core/project/summary';

export function problemCountOf(file: string): ProblemCount {
  let errors = 0;
  let warnings = 0;
  for (const d of vscode.languages.getDiagnostics(vscode.Uri.file(file))) {
    if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
    else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
  }
  return { errors, warnings };
}

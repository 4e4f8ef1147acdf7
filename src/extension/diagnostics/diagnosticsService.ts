// One diagnostic collection for the project's files: open documents are validated on open,
// on change (debounced) and on save, and cleared on close; "Check Project" fills in the rest.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic, FileDiagnostics, Fix } from '../../core/common/diagnostic';
import { isInside } from '../../core/common/paths';
import { checkProject, checkedFiles, validateDocument, type TextReader } from '../../core/validation/checkProject';
import { projectChecks } from '../../core/validation/project/projectChecks';
import { decodeText } from '../../core/common/fileSystem';
import { nodeFileSystem } from '../../core/io/nodeFileSystem';
import type { ContextProject } from '../../core/project/project';
import type { Logger } from '../../core/common/logger';
import { errorMessage } from '../../core/common/errors';
import { toDiagnostic } from '../convert';
import type { ProjectService } from '../project/projectService';
import type { SettingsService } from '../settingsService';
import { DIAGNOSTIC_SOURCE } from '../constants';

const CHANGE_DEBOUNCE_MS = 250;

export class DiagnosticsService implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  /** The core diagnostics behind what is shown, per URI, for code actions to find their fixes. */
  private readonly shown = new Map<string, CoreDiagnostic[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly projects: ProjectService,
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.validate(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => this.validate(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      // A change elsewhere in the project (common/network, another template) re-checks open files.
      projects.onDidChange((project) => {
        this.validateOpenDocuments();
        if (project) void this.refreshClosedFiles(project);
      }),
      settings.onDidChange(() => this.validateOpenDocuments()),
    );
    this.validateOpenDocuments();
  }

  validateOpenDocuments(): void {
    for (const d of vscode.workspace.textDocuments) void this.validate(d);
  }

  /**
   * Files that are not open but show problems (from Check Project) are re-checked from disk
   * when their project changes, so a file repaired outside the editor loses its stale errors.
   */
  private async refreshClosedFiles(project: ContextProject): Promise<void> {
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const checked = new Set(checkedFiles(project));
    const projectLevelByFile = new Map(projectChecks(project).map((f) => [f.file, f.diagnostics]));
    for (const key of [...this.shown.keys()]) {
      if (open.has(key)) continue;
      const uri = vscode.Uri.parse(key);
      const rel = path.relative(project.root, uri.fsPath);
      if (uri.scheme !== 'file' || rel.startsWith('..') || path.isAbsolute(rel)) continue;
      try {
        const diagnostics = [...(projectLevelByFile.get(uri.fsPath) ?? [])];
        if (checked.has(uri.fsPath)) {
          diagnostics.push(...validateDocument(project, uri.fsPath, decodeText(await nodeFileSystem.readFile(uri.fsPath)), this.settings.current));
        }
        if (open.has(key) || !this.shown.has(key)) continue; // opened or cleared meanwhile
        if (diagnostics.length) this.set(uri, diagnostics);
        else this.clear(uri);
      } catch {
        this.clear(uri); // deleted or unreadable: its old problems no longer apply
      }
    }
  }

  /** The core diagnostic (with its fixes) behind a diagnostic shown in `uri`. */
  fixesFor(uri: vscode.Uri, d: vscode.Diagnostic): Fix[] {
    const core = this.shown.get(uri.toString())?.find(
      (c) =>
        c.code === d.code &&
        c.message === d.message &&
        c.range.start.line === d.range.start.line &&
        c.range.start.character === d.range.start.character &&
        c.range.end.line === d.range.end.line &&
        c.range.end.character === d.range.end.character,
    );
    return core?.fixes ?? [];
  }

  /** A file's text as the user sees it: an open editor's (unsaved) text, else the disk's. */
  readonly readText: TextReader = async (file) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    return doc ? doc.getText() : decodeText(await nodeFileSystem.readFile(file));
  };

  /** Checks every file of every project (open documents with their unsaved text). */
  async checkAll(): Promise<{ files: number; errors: number; warnings: number }> {
    let files = 0;
    let errors = 0;
    let warnings = 0;
    for (const root of await this.projects.projectRoots()) {
      const project = await this.projects.reload(root);
      const results = await checkProject(project, this.readText, this.settings.current);
      this.publish(root, results);
      for (const r of results) {
        files++;
        errors += r.diagnostics.filter((d) => d.severity === 'error').length;
        warnings += r.diagnostics.filter((d) => d.severity === 'warning').length;
      }
    }
    return { files, errors, warnings };
  }

  /** Shows a whole-project check (checkProject's results) for the project at `root`. */
  publish(root: string, results: FileDiagnostics[]): void {
    // checkProject lists only files with problems: clear this project's files that have none now.
    const reported = new Set(results.map((r) => vscode.Uri.file(r.file).toString()));
    for (const key of [...this.shown.keys()]) {
      const uri = vscode.Uri.parse(key);
      if (!reported.has(key) && uri.scheme === 'file' && isInside(root, uri.fsPath)) this.clear(uri);
    }
    for (const r of results) this.set(vscode.Uri.file(r.file), r.diagnostics);
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.validate(doc);
      }, CHANGE_DEBOUNCE_MS),
    );
  }

  private async validate(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file' || doc.isClosed) return;
    try {
      const project = await this.projects.projectFor(doc.uri);
      if (!project) return;
      const version = doc.version;
      const diagnostics = [...projectLevel(project, doc.uri.fsPath), ...validateDocument(project, doc.uri.fsPath, doc.getText(), this.settings.current)];
      if (doc.isClosed || doc.version !== version) return; // a newer run will follow
      this.set(doc.uri, diagnostics);
    } catch (e) {
      this.log.error(`checking ${doc.uri.fsPath} failed: ${errorMessage(e)}`);
    }
  }

  private set(uri: vscode.Uri, diagnostics: CoreDiagnostic[]): void {
    this.shown.set(uri.toString(), diagnostics);
    this.collection.set(uri, diagnostics.map(toDiagnostic));
  }

  private clear(uri: vscode.Uri): void {
    this.shown.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

/** Project-level problems of this file: the loader's (e.g. the manifest's) and the guest files' bytes and modes. */
function projectLevel(project: ContextProject, file: string): CoreDiagnostic[] {
  return projectChecks(project).find((f) => f.file === file)?.diagnostics ?? [];
}

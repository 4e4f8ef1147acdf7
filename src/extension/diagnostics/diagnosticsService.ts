// One diagnostic collection for every file of every context project, open or not: each
// project is checked as a whole at activation and after any change of its files (on disk, or
// an editor's unsaved text), in the background by the core's scheduler, which cancels a run
// when a newer change arrives. What it shows is what `vmctx check` prints for the same texts.
import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic, FileDiagnostics, Fix } from '../../core/common/diagnostic';
import type { TextReader } from '../../core/validation/checkProject';
import { CHECK_DELAY_MS, ProjectCheckScheduler, TextCache } from '../../core/validation/checkScheduler';
import { projectOf } from '../../core/project/discover';
import { isInside } from '../../core/common/paths';
import { decodeText } from '../../core/common/fileSystem';
import { editorFileSystem } from '../../core/io/nodeFileSystem';
import type { Logger } from '../../core/common/logger';
import { errorMessage } from '../../core/common/errors';
import { toDiagnostic } from '../convert';
import type { ProjectService } from '../project/projectService';
import type { SettingsService } from '../settingsService';
import type { DomainSchemas } from '../../core/validation/domain/domainSchema';
import { DIAGNOSTIC_SOURCE } from '../constants';

export class DiagnosticsService implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  /** The core diagnostics behind what is shown, per URI, for code actions to find their fixes. */
  private readonly shown = new Map<string, CoreDiagnostic[]>();
  /** The URIs each project's last check published, to clear those that have no problem now. */
  private readonly published = new Map<string, Set<string>>();
  private readonly diskTexts = new TextCache(async (file) => decodeText(await editorFileSystem.readFile(file)));
  private readonly scheduler: ProjectCheckScheduler;
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly projects: ProjectService,
    private readonly settings: SettingsService,
    private readonly schemas: DomainSchemas,
    private readonly log: Logger,
  ) {
    this.scheduler = new ProjectCheckScheduler(
      {
        project: (root) => projects.get(root),
        overlays: (root) => openTexts(root),
        read: this.diskTexts.read,
        settings: (root) => settings.forResource(root),
        schemas,
      },
      { publish: (root, results) => this.publish(root, results) },
      { delayMs: CHECK_DELAY_MS, onError: (root, e) => log.error(`checking the project ${root} failed: ${errorMessage(e)}`) },
    );
    this.disposables.push(
      { dispose: () => this.scheduler.dispose() },
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) void this.requestFor(e.document.uri);
      }),
      // Closing an editor with unsaved changes drops its text: back to the disk's.
      vscode.workspace.onDidCloseTextDocument((d) => void this.requestFor(d.uri)),
      // A saved text is no longer an overlay: read it again now rather than wait for the watcher.
      vscode.workspace.onDidSaveTextDocument((d) => {
        this.diskTexts.invalidate(d.uri.fsPath);
        void this.requestFor(d.uri);
      }),
      projects.onDidChangeFile((uri) => this.diskTexts.invalidate(uri.fsPath)),
      projects.onDidChange((project) => (project ? this.scheduler.request(project.root) : void this.requestAll())),
      settings.onDidChange(() => void this.requestAll()),
    );
    void this.requestAll();
  }

  /** Resolves once no project check is waiting or running (for tests and commands). */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  private async requestFor(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file') return;
    const root = projectOf(await this.projects.projectRoots(), uri.fsPath);
    if (root) this.scheduler.request(root);
  }

  /** Every project again; projects that left the workspace lose their problems. */
  private async requestAll(): Promise<void> {
    const roots = await this.projects.projectRoots();
    for (const root of [...this.published.keys()]) {
      if (roots.includes(root)) continue;
      this.scheduler.forget(root);
      this.publish(root, []);
      this.published.delete(root);
    }
    for (const root of roots) this.scheduler.request(root);
  }

  /** Shows a whole-project check of `root` (its files not listed have no problem now). */
  publish(root: string, results: FileDiagnostics[]): void {
    const now = new Set<string>();
    for (const r of results) {
      const uri = vscode.Uri.file(r.file);
      const key = uri.toString();
      now.add(key);
      // What VS Code shows is set only when it changed: each set() makes VS Code (and the
      // explorer) redraw. The fixes (not shown; "Move N VMs" edits every template) always follow.
      const before = this.shown.get(key);
      if (before && visible(before) === visible(r.diagnostics)) this.shown.set(key, r.diagnostics);
      else this.set(uri, r.diagnostics);
    }
    for (const key of this.published.get(root) ?? []) if (!now.has(key)) this.clear(vscode.Uri.parse(key));
    this.published.set(root, now);
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
    // Only unsaved texts: a saved document is the disk's, and its loaded copy may lag behind it.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.isDirty && d.uri.fsPath === file);
    return doc ? doc.getText() : decodeText(await editorFileSystem.readFile(file));
  };

  /** Checks every file of every project now (Check Project), re-reading the disk. */
  async checkAll(): Promise<{ files: number; errors: number; warnings: number }> {
    let files = 0;
    let errors = 0;
    let warnings = 0;
    this.diskTexts.clear();
    for (const root of await this.projects.projectRoots()) {
      await this.projects.reload(root);
      for (const r of await this.scheduler.checkNow(root)) {
        files++;
        errors += r.diagnostics.filter((d) => d.severity === 'error').length;
        warnings += r.diagnostics.filter((d) => d.severity === 'warning').length;
      }
    }
    return { files, errors, warnings };
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
    for (const d of this.disposables) d.dispose();
  }
}

/** What a diagnostic shows (its fixes left out), to compare two checks' results. */
function visible(ds: CoreDiagnostic[]): string {
  return JSON.stringify(ds, (k, v) => (k === 'fixes' ? undefined : v));
}

/**
 * The unsaved texts of editors inside a project: what the user sees wins over the disk. Saved
 * documents are the disk's text (and a loaded copy may lag behind a change on disk).
 */
function openTexts(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of vscode.workspace.textDocuments) {
    if (d.uri.scheme === 'file' && d.isDirty && !d.isClosed && isInside(root, d.uri.fsPath)) out.set(d.uri.fsPath, d.getText());
  }
  return out;
}

// Keeps the context projects of the workspace loaded, reloading one when its files change
// (file-system watchers, not polling). The model itself lives in the core.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { editorFileSystem } from '../../core/io/nodeFileSystem';
import { ProjectLoader } from '../../core/project/load';
import { findContextProjects, projectOf } from '../../core/project/discover';
import type { ContextProject } from '../../core/project/project';
import type { Logger } from '../../core/common/logger';
import { errorMessage } from '../../core/common/errors';
import { withNetworkText } from '../../core/network/projectNetwork';
import { KeyedDebounce } from '../keyedDebounce';

const RELOAD_DELAY_MS = 150;

export class ProjectService implements vscode.Disposable {
  private roots: string[] = [];
  private readonly loaders = new Map<string, ProjectLoader>();
  private readonly projects = new Map<string, Promise<ContextProject>>();
  private readonly pending = new KeyedDebounce(RELOAD_DELAY_MS);
  /** Unsaved common/network texts by project root (see setNetworkText). */
  private readonly networkTexts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<ContextProject | undefined>();
  /** Fires with the reloaded project, or undefined when the set of projects changed. */
  readonly onDidChange = this.emitter.event;
  private readonly fileEmitter = new vscode.EventEmitter<vscode.Uri>();
  /** Fires for every file the watcher sees created, changed or deleted (before the reload). */
  readonly onDidChangeFile = this.fileEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.fileEmitter];
  private discovery: Promise<void>;

  constructor(private readonly log: Logger) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidChange((u) => this.onFileEvent(u, false)),
      watcher.onDidCreate((u) => this.onFileEvent(u, true)),
      watcher.onDidDelete((u) => this.onFileEvent(u, true)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rediscover()),
    );
    this.discovery = this.discover();
  }

  /** Project folders of the workspace, once discovery has finished. */
  async projectRoots(): Promise<string[]> {
    await this.discovery;
    return this.roots;
  }

  async all(): Promise<ContextProject[]> {
    return Promise.all((await this.projectRoots()).map((r) => this.get(r)));
  }

  /** The project a file belongs to, if any. */
  async projectFor(uri: vscode.Uri): Promise<ContextProject | undefined> {
    if (uri.scheme !== 'file') return undefined;
    const root = projectOf(await this.projectRoots(), uri.fsPath);
    return root ? this.get(root) : undefined;
  }

  /**
   * The unsaved text of a project's common/network (undefined: back to the file on disk).
   * project.network follows it at once, and onDidChange fires so open files are re-checked.
   */
  setNetworkText(root: string, text: string | undefined): void {
    if (text === undefined ? !this.networkTexts.delete(root) : this.networkTexts.get(root) === text) return;
    if (text === undefined) {
      if (this.projects.has(root)) void this.reload(root);
      return;
    }
    this.networkTexts.set(root, text);
    const loaded = this.projects.get(root);
    if (!loaded) return;
    const p = loaded.then((project) => withNetworkText(project, text));
    this.projects.set(root, p);
    void p.then((project) => this.fireIfCurrent(root, p, project), () => undefined);
  }

  get(root: string): Promise<ContextProject> {
    let p = this.projects.get(root);
    if (!p) {
      let loader = this.loaders.get(root);
      if (!loader) this.loaders.set(root, (loader = new ProjectLoader(editorFileSystem)));
      p = loader.load(root).then((project) => {
        const text = this.networkTexts.get(root);
        return text === undefined ? project : withNetworkText(project, text);
      });
      p.catch((e) => this.log.error(`loading the project ${root} failed: ${errorMessage(e)}`));
      this.projects.set(root, p);
    }
    return p;
  }

  /**
   * Forget cached state and reload now (e.g. after a build or the Check Project command). Gives
   * the project as it is once no later reload is running: two reloads overlap when files change
   * during one, and the older may end last.
   */
  async reload(root: string): Promise<ContextProject> {
    this.projects.delete(root);
    const p = this.get(root);
    const project = await p;
    return this.fireIfCurrent(root, p, project) ? project : (this.projects.get(root) ?? project);
  }

  /**
   * Tells the listeners about `project` only while `p` is still the root's current load; a later
   * load or unsaved network text that replaced it tells them itself. Without this an older
   * reload ending last showed the diagnostics of files as they were before the change.
   */
  private fireIfCurrent(root: string, p: Promise<ContextProject>, project: ContextProject): boolean {
    if (this.projects.get(root) !== p) return false;
    this.emitter.fire(project);
    return true;
  }

  private async discover(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const found = new Set<string>();
    for (const f of folders) {
      try {
        for (const r of await findContextProjects(editorFileSystem, f.uri.fsPath)) found.add(r);
      } catch (e) {
        this.log.warn(`searching ${f.uri.fsPath} for context projects failed: ${errorMessage(e)}`);
      }
    }
    this.roots = [...found].sort();
    this.log.info(`context projects: ${this.roots.length ? this.roots.join(', ') : 'none'}`);
  }

  private rediscover(): void {
    this.discovery = this.discover().then(() => {
      for (const r of [...this.projects.keys()]) if (!this.roots.includes(r)) this.projects.delete(r);
      this.emitter.fire(undefined);
    });
  }

  private onFileEvent(uri: vscode.Uri, structural: boolean): void {
    if (uri.scheme !== 'file') return;
    this.fileEmitter.fire(uri);
    const file = uri.fsPath;
    const root = projectOf(this.roots, file);
    if (!root) {
      // A new vmcontext.json or context/ folder may make a new project.
      if (structural && /(^|[\\/])(vmcontext\.json|context|post-install)$/.test(file)) this.rediscover();
      return;
    }
    const rel = path.relative(root, file);
    if (rel.split(path.sep).some((part) => part === 'node_modules' || part.startsWith('.'))) return;
    this.loaders.get(root)?.invalidate(file);
    this.pending.schedule(root, () => void this.reload(root));
  }

  dispose(): void {
    this.pending.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

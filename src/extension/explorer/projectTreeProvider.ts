// The "Context Projects" tree: one root per project, rebuilt from the core summary when a
// project reloads (file-system watchers) or its diagnostics change. No polling.
import * as vscode from 'vscode';
import { readBuildStatus } from '../../core/build/buildStatus';
import type { BuildStatus } from '../../core/build/buildPlan';
import type { ContextProject } from '../../core/project/project';
import { summarizeProject, type SummaryNode } from '../../core/project/summary';
import { errorMessage } from '../../core/common/errors';
import type { Services } from '../services';
import type { DeployService } from '../deploy/registerDeploy';
import { toTreeItem } from './treeItem';
import { problemCountOf } from './problemCounts';

const REFRESH_DELAY_MS = 200;

export class ProjectTreeProvider implements vscode.TreeDataProvider<SummaryNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SummaryNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: SummaryNode[] = [];
  /** The roots last announced, as JSON: a refresh that changes nothing is not announced. */
  private shown: string | undefined;
  private generation = 0;
  private readonly parents = new Map<string, SummaryNode>();
  private buildStatuses = new WeakMap<ContextProject, { isoBackend: string; status: Promise<BuildStatus | undefined> }>();
  private loading: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private readonly changeEmitter = new vscode.EventEmitter<SummaryNode[]>();
  /** Fires with the new roots after every refresh (the view's badge and title follow it). */
  readonly onDidRefresh = this.changeEmitter.event;

  constructor(
    private readonly services: Services,
    private readonly deploy?: DeployService,
  ) {
    this.disposables.push(
      this.changeEmitter,
      services.projects.onDidChange(() => this.schedule()),
      // VM states on the hosts, refreshed by deploys and the VM actions.
      ...(deploy ? [deploy.onDidChange(() => this.schedule())] : []),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => this.roots.some((r) => u.fsPath.startsWith(r.root)))) this.schedule();
      }),
    );
    this.loading = this.load();
  }

  /** Rebuilds the tree now, reading the build state again (the Refresh action). */
  refresh(): Promise<void> {
    this.buildStatuses = new WeakMap();
    return this.reload();
  }

  private reload(): Promise<void> {
    this.loading = this.load();
    return this.loading;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, REFRESH_DELAY_MS);
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    const roots: SummaryNode[] = [];
    for (const root of await this.services.projects.projectRoots()) {
      try {
        const project = await this.services.projects.get(root);
        const build = await this.buildStatusOf(project);
        roots.push(summarizeProject(project, build, problemCountOf, (vm) => this.deploy?.stateOf(project, vm)));
      } catch (e) {
        this.services.log.error(`showing the project ${root} failed: ${errorMessage(e)}`);
      }
    }
    // An unchanged tree is not announced: VS Code forgets every node of a refreshed tree until it
    // asks for them again, and a menu command picked from a row in that moment gets no node (a
    // build's file events, diagnostics and deploy states reload the same tree many times).
    const shown = JSON.stringify(roots);
    if (generation !== this.generation || shown === this.shown) return; // a later load shows its own
    this.shown = shown;
    this.roots = roots;
    this.parents.clear();
    const index = (n: SummaryNode) => n.children?.forEach((c) => (this.parents.set(c.id, n), index(c)));
    roots.forEach(index);
    this.emitter.fire(undefined);
    this.changeEmitter.fire(roots);
  }

  /**
   * A plan of the real build, never run: the tree says what Build would do. Kept per loaded
   * project (a file change or a build reloads it), so typing, which only changes problem
   * counts, does not rescan the context folder and images.
   */
  private buildStatusOf(project: ContextProject): Promise<BuildStatus | undefined> {
    const isoBackend = this.services.settings.forResource(project.root).build.isoBackend;
    const cached = this.buildStatuses.get(project);
    if (cached && cached.isoBackend === isoBackend) return cached.status;
    const status = readBuildStatus(project, { isoBackend }).catch((e) => {
      this.services.log.warn(`reading the build state of ${project.root} failed: ${errorMessage(e)}`);
      return undefined;
    });
    this.buildStatuses.set(project, { isoBackend, status });
    return status;
  }

  async getChildren(node?: SummaryNode): Promise<SummaryNode[]> {
    if (node) return node.children ?? [];
    await this.loading;
    return this.roots;
  }

  getTreeItem(node: SummaryNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  getParent(node: SummaryNode): SummaryNode | undefined {
    return this.parents.get(node.id);
  }

  /** The current roots (after the last refresh). */
  get projects(): readonly SummaryNode[] {
    return this.roots;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

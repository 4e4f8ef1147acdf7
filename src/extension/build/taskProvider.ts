// VS Code tasks of type `vmcontext` ("Build context.iso", "Create overlays", "Build all",
// "Check project") for each project. They run the core in process through a pseudoterminal;
// the check task prints `vmctx check` lines, which the `$vmcontext` problem matcher reads.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { displayPath } from '../../core/common/paths';
import { buildProject, type BuildScope } from './buildProject';
import { buildReportLines } from '../../core/build/buildReport';
import { checkProject } from '../../core/validation/checkProject';
import { checkSummaryLine, summarizeCheck } from '../../core/validation/checkBeforeBuild';
import { checkBeforeAction } from './checkBeforeAction';
import { formatText, toJsonDiagnostics } from '../../core/common/diagnosticFormat';
import { errorMessage } from '../../core/common/errors';
import type { Services } from '../services';
import { isVirtualWorkspace } from '../trust';

export const TASK_TYPE = 'vmcontext';
const CLOSE_DELAY_MS = 500;

export type TaskKind = 'iso' | 'overlays' | 'all' | 'check';

export interface VmContextTaskDefinition extends vscode.TaskDefinition {
  task: TaskKind;
  /** The project folder, relative to the workspace folder ('' or absent: the first project). */
  project?: string;
  force?: boolean;
}

const names: Record<TaskKind, string> = {
  iso: 'Build context.iso',
  overlays: 'Create overlays',
  all: 'Build all',
  check: 'Check project',
};

/** A task's name: the `iso` task of a NoCloud project builds its seeds. */
function nameOf(kind: TaskKind, nocloud: boolean): string {
  return kind === 'iso' && nocloud ? 'Build seeds' : names[kind];
}

export function registerTasks(services: Services): void {
  const provider: vscode.TaskProvider = {
    provideTasks: async () => {
      const tasks: vscode.Task[] = [];
      for (const root of await services.projects.projectRoots()) {
        const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
        if (!folder) continue;
        const rel = path.relative(folder.uri.fsPath, root).split(path.sep).join('/');
        const nocloud = (await services.projects.get(root)).flavor === 'nocloud';
        for (const kind of Object.keys(names) as TaskKind[]) {
          tasks.push(createTask(services, folder, { type: TASK_TYPE, task: kind, project: rel }, nocloud));
        }
      }
      return tasks;
    },
    resolveTask: (task) => {
      const def = task.definition as VmContextTaskDefinition;
      if (!(def.task in names) || !task.scope || typeof task.scope === 'number') return undefined;
      return createTask(services, task.scope, def);
    },
  };
  services.context.subscriptions.push(vscode.tasks.registerTaskProvider(TASK_TYPE, provider));
}

function createTask(services: Services, folder: vscode.WorkspaceFolder, def: VmContextTaskDefinition, nocloud = false): vscode.Task {
  const root = path.resolve(folder.uri.fsPath, def.project ?? '');
  const label = def.project ? `${nameOf(def.task, nocloud)} (${def.project})` : nameOf(def.task, nocloud);
  const task = new vscode.Task(
    def,
    folder,
    label,
    'VM Context',
    new vscode.CustomExecution(async () => new TaskTerminal(services, root, def)),
    def.task === 'check' ? ['$vmcontext'] : [],
  );
  task.group = def.task === 'check' ? vscode.TaskGroup.Test : vscode.TaskGroup.Build;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
  return task;
}

/** The task's terminal: runs one build or check, writes its report, and closes with an exit code. */
class TaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();

  constructor(
    private readonly services: Services,
    private readonly root: string,
    private readonly def: VmContextTaskDefinition,
  ) {}

  open(): void {
    void this.run().then(
      (code) => this.closeLater(code),
      (e) => {
        this.line(`error: ${errorMessage(e)}`);
        this.services.log.error(`task ${names[this.def.task]} failed: ${errorMessage(e)}`);
        this.closeLater(1);
      },
    );
  }

  /**
   * VS Code ends a task's problem matcher 100 ms after the terminal closes, without waiting for
   * the lines it is still reading (the terminal renders them asynchronously, and each file of a
   * problem is looked up first): closing at once loses the last problems. Wait a moment.
   */
  private closeLater(code: number): void {
    setTimeout(() => this.closeEmitter.fire(code), CLOSE_DELAY_MS);
  }

  close(): void {
    this.abort.abort(); // the user stopped the task: cancel the build, the ISO stays intact
  }

  private line(text: string): void {
    this.writeEmitter.fire(text.replace(/\n/g, '\r\n') + '\r\n');
  }

  private async run(): Promise<number> {
    // The files as they are now: the watcher's reload may not have come yet (a file just written).
    const project = await this.services.projects.reload(this.root);
    if (this.def.task === 'check') return this.check(project);
    // Builds write files and may run tools: only in a trusted, local workspace.
    if (!vscode.workspace.isTrusted || isVirtualWorkspace()) {
      this.line('VM Context builds run only in a trusted workspace on a local disk (Manage Workspace Trust). Nothing was run.');
      return 1;
    }
    const show = (p: string) => displayPath(project.root, p);
    const nocloud = project.flavor === 'nocloud';
    this.line(`${nameOf(this.def.task, nocloud)}: ${project.root}${nocloud && this.def.task !== 'overlays' ? ` (cloud-init NoCloud: one seed per VM in ${show(project.output.seedsDir)}/)` : ''}`);
    const pre = await checkBeforeAction(this.services, project, 'build', this.def.task as BuildScope);
    for (const l of pre.errorLines) this.line(l);
    this.line(pre.headline);
    if (!pre.proceed) return 1;
    const result = await buildProject(this.services, project, this.def.task as BuildScope, {
      force: !!this.def.force,
      signal: this.abort.signal,
      onProgress: (p) => this.line(`  ${show(p.output)}: ${p.message}${p.fraction !== undefined ? ` (${Math.round(p.fraction * 100)}%)` : ''}`),
    });
    for (const l of buildReportLines(result, show)) this.line(l.text);
    return result.ok ? 0 : 1;
  }

  private async check(project: Awaited<ReturnType<Services['projects']['get']>>): Promise<number> {
    const results = await checkProject(project, this.services.diagnostics.readText, this.services.settings.forResource(project.root), this.services.schemas);
    // Absolute paths: the problem matcher then finds the files wherever the project sits.
    const diags = toJsonDiagnostics(results);
    const text = formatText(diags);
    if (text) this.line(text.trimEnd());
    const summary = summarizeCheck(project, results);
    this.line(checkSummaryLine(summary));
    return summary.errors ? 1 : 0;
  }
}

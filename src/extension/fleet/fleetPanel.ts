// The New VM / New Fleet panel: one at a time (a second command reuses it), restored after a
// reload by its serializer. The page only shows and edits; planning and validation run here
// with the core (planFleet + the project's validators) on every change.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkPlan } from '../../core/fleet/checkPlan';
import { CDROM_BUSES } from '../../core/fleet/domainXml';
import { defaultFleetForm } from '../../core/fleet/fleetForm';
import { hasErrors, planFleet, type FleetPlan } from '../../core/fleet/planFleet';
import type { ContextProject } from '../../core/project/project';
import { subnetOf } from '../../core/project/summary';
import { errorMessage } from '../../core/common/errors';
import type { ExtensionToWebview, FleetFormValues, FleetMode, FleetPanelState, ValidationResult, WebviewToExtension } from '../../shared/fleetProtocol';
import { isWebviewMessage } from '../../shared/fleetProtocol';
import type { Services } from '../services';
import { Views } from '../constants';
import { webviewHtml } from './webviewHtml';
import { createFleet } from './createFleet';

export class FleetPanel {
  private static current: FleetPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** UUIDs handed out so far: the preview keeps them while the user types. */
  private readonly uuids: string[] = [];
  private state: FleetPanelState;

  static async show(services: Services, project: ContextProject, mode: FleetMode): Promise<FleetPanel> {
    const existing = FleetPanel.current;
    if (existing) {
      existing.state = { mode, projectRoot: project.root };
      existing.panel.reveal();
      await existing.sendInit();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(Views.fleetPanel, titleOf(mode), vscode.ViewColumn.Active, FleetPanel.options(services));
    return (FleetPanel.current = new FleetPanel(services, panel, { mode, projectRoot: project.root }));
  }

  /** The serializer's entry after a reload: the saved mode, project and values. */
  static restore(services: Services, panel: vscode.WebviewPanel, state: FleetPanelState | undefined): void {
    panel.webview.options = FleetPanel.options(services);
    FleetPanel.current?.panel.dispose();
    FleetPanel.current = new FleetPanel(services, panel, state ?? { mode: 'fleet', projectRoot: '' });
  }

  private static options(services: Services): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(services.context.extensionUri, 'dist')],
    };
  }

  private constructor(
    private readonly services: Services,
    readonly panel: vscode.WebviewPanel,
    state: FleetPanelState,
  ) {
    this.state = state;
    panel.title = titleOf(state.mode);
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'vm-context.svg');
    panel.webview.html = webviewHtml(panel.webview, services.context.extensionUri, {
      title: titleOf(state.mode),
      script: 'webview.js',
      styles: ['codicon.css', 'webview.css'],
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (isWebviewMessage(m)) void this.onMessage(m).catch((e) => services.log.error(`New VM form: ${errorMessage(e)}`));
      }),
    );
  }

  private post(message: ExtensionToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async project(): Promise<ContextProject | undefined> {
    const roots = await this.services.projects.projectRoots();
    const root = roots.includes(this.state.projectRoot) ? this.state.projectRoot : roots.length === 1 ? roots[0] : undefined;
    if (!root) return undefined;
    this.state.projectRoot = root;
    return this.services.projects.get(root);
  }

  private uuidFor = (i: number): string => {
    while (this.uuids.length <= i) this.uuids.push(randomUUID());
    return this.uuids[i];
  };

  private async sendInit(): Promise<void> {
    const project = await this.project();
    if (!project) {
      this.panel.dispose();
      void vscode.window.showWarningMessage('VM Context: the project of the New VM form is no longer in the workspace.');
      return;
    }
    this.panel.title = titleOf(this.state.mode);
    const values = this.state.values ?? defaultFleetForm(project, this.services.settings.forResource(project.root), this.state.mode);
    this.post({
      type: 'init',
      init: {
        mode: this.state.mode,
        projectName: path.basename(project.root),
        projectRoot: project.root,
        values,
        choices: { baseImages: baseImageChoices(project, values.baseImage), cdromBuses: [...CDROM_BUSES] },
        trusted: vscode.workspace.isTrusted,
        subnet: subnetOf(project),
      },
    });
  }

  private async onMessage(m: WebviewToExtension): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.sendInit();
        return;
      case 'validate': {
        const project = await this.project();
        if (!project) return;
        this.state.values = m.values;
        this.post({ type: 'validated', id: m.id, result: this.validate(project, m.values).result });
        return;
      }
      case 'create': {
        const root = (await this.project())?.root;
        if (!root) return;
        // Plan again against the project as it is on disk now.
        const project = await this.services.projects.reload(root);
        const { plan, result } = this.validate(project, m.values);
        if (!result.canCreate) {
          this.post({ type: 'created', id: m.id, ok: false, message: 'Fix the marked fields first.', result });
          return;
        }
        try {
          await createFleet(this.services, project, plan, m.values.createOverlays);
        } catch (e) {
          this.post({ type: 'created', id: m.id, ok: false, message: errorMessage(e), result });
          return;
        }
        this.post({ type: 'created', id: m.id, ok: true });
        this.panel.dispose();
        return;
      }
      case 'cancel':
        this.panel.dispose();
        return;
    }
  }

  private validate(project: ContextProject, values: FleetFormValues): { plan: FleetPlan; result: ValidationResult } {
    const plan = planFleet(project, values, this.uuidFor);
    const templates = hasErrors(plan)
      ? []
      : checkPlan(project, plan, this.services.settings.forResource(project.root), this.services.schemas).flatMap((r) =>
          r.diagnostics.map((d) => ({ vm: r.vm, severity: d.severity, code: d.code, message: d.message })),
        );
    return {
      plan,
      result: {
        fields: plan.problems,
        preview: plan.vms.map((v) => ({ name: v.name, ip: v.ip, mac: v.mac, uuid: v.uuid, file: v.relative })),
        skipped: plan.skipped,
        templates,
        canCreate: !hasErrors(plan) && !templates.some((t) => t.severity === 'error') && plan.vms.length > 0,
      },
    };
  }

  private dispose(): void {
    if (FleetPanel.current === this) FleetPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
  }
}

function titleOf(mode: FleetMode): string {
  return mode === 'vm' ? 'New VM' : 'New Fleet';
}

/** The project's base image and every other disk image the project model found (images/). */
function baseImageChoices(project: ContextProject, current: string): string[] {
  const choices = new Set<string>();
  if (current) choices.add(current);
  for (const image of project.images) choices.add(path.relative(project.root, image).split(path.sep).join('/'));
  return [...choices].sort();
}

export function registerFleetPanelSerializer(services: Services): void {
  services.context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(Views.fleetPanel, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        FleetPanel.restore(services, panel, state as FleetPanelState | undefined);
      },
    }),
  );
}

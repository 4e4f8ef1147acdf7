// The extension's side of deploy: plans and runs deploys with the core (same code as
// `vmctx deploy`), and keeps each VM's state on its host for the explorer, which reads
// stateOf() and listens to onDidChange. Runs virsh only when asked (trusted workspaces).
import * as vscode from 'vscode';
import type { ContextProject } from '../../core/project/project';
import type { ManifestHost } from '../../core/project/manifest';
import { assignHosts } from '../../core/deploy/deployHosts';
import type { PlanOptions } from '../../core/deploy/deployPlan';
import { applyDeploy, planProjectDeploy, type PreparedDeploy } from '../../core/deploy/deployProject';
import { domainAction, execaVirsh, listHostDomains, type DomainAction, type VirshRunner } from '../../core/io/virsh';
import type { DomainState } from '../../core/deploy/virshOutput';
import { describeStep } from '../../core/deploy/formatDeployPlan';
import type { SettingsService } from '../settingsService';
import type { Logger } from '../../core/common/logger';

export interface VmHostState {
  uri: string;
  /** `absent`: not defined there; `unknown`: the host did not answer. */
  state: DomainState | 'absent' | 'unknown';
  error?: string;
}

export type { PreparedDeploy } from '../../core/deploy/deployProject';

export class DeployService implements vscode.Disposable {
  private readonly states = new Map<string, VmHostState>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when VM states were refreshed or changed by an action. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly settings: SettingsService,
    private readonly log: Logger,
    private readonly runner?: VirshRunner,
  ) {}

  private virsh(): VirshRunner {
    return this.runner ?? execaVirsh(this.settings.current.tools.virsh);
  }

  /** The manifest's hosts (what the "Deploy…" quick pick offers). */
  hostsOf(project: ContextProject): ManifestHost[] {
    return project.manifest.hosts ?? [];
  }

  /** The last known state of a VM of `project`, undefined before the first refresh. */
  stateOf(project: ContextProject, vm: string): VmHostState | undefined {
    return this.states.get(`${project.root}\0${vm}`);
  }

  /** Plans a deploy of the built project to `hosts` (asking them), without changing anything. */
  prepare(project: ContextProject, hosts: ManifestHost[], options: PlanOptions, signal?: AbortSignal, onProgress?: (message: string) => void): Promise<PreparedDeploy> {
    return planProjectDeploy({ project, hosts, virsh: this.virsh(), options, signal, onProgress });
  }

  /** Runs a prepared plan (refused when it has errors), then refreshes the VM states. */
  async apply(prepared: PreparedDeploy, onStep?: (uri: string, text: string) => void, signal?: AbortSignal): Promise<number> {
    try {
      return await applyDeploy(prepared, { virsh: this.virsh(), signal, onStep: (uri, s) => onStep?.(uri, describeStep(s)) });
    } finally {
      // Also after a failure or a cancel: some steps may have run.
      await this.refresh(prepared.project).catch((e) => this.log.warn(`refreshing VM states: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  /** Asks each manifest host for the state of the VMs assigned to it. */
  async refresh(project: ContextProject, signal?: AbortSignal): Promise<void> {
    const hosts = this.hostsOf(project);
    const names = project.templates.map((t) => t.name?.value).filter((n): n is string => !!n);
    if (hosts.length === 0 || names.length === 0) return;
    const { hosts: assigned } = assignHosts(hosts, names);
    const run = this.virsh();
    for (const { host, vms } of assigned) {
      // One listing per host, however many VMs.
      let found: Awaited<ReturnType<typeof listHostDomains>> | undefined;
      let error: string | undefined;
      try {
        found = await listHostDomains(run, host.uri, vms, signal);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        this.log.warn(`VM states on ${host.uri}: ${error}`);
      }
      for (const vm of vms) {
        const s: VmHostState = found ? { uri: host.uri, state: found[vm]?.state ?? 'absent' } : { uri: host.uri, state: 'unknown', error };
        this.states.set(`${project.root}\0${vm}`, s);
      }
    }
    this.emitter.fire();
  }

  /** Start / Shut down / Undefine one VM on its host. */
  async act(project: ContextProject, vm: string, uri: string, action: DomainAction): Promise<void> {
    await domainAction(this.virsh(), uri, vm, action);
    this.log.info(`virsh -c ${uri} ${action} ${vm}`);
    await this.refresh(project);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

// "Deploy…" (quick pick of the manifest's hosts, a look at the plan, then the deploy) and the
// VM actions Start / Shut down / Undefine. All run virsh, so only in a trusted workspace.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { pickProject } from '../project/pickProject';
import { requireTrust } from '../trust';
import { formatPlan } from '../../core/deploy/formatDeployPlan';
import { changeCount } from '../../core/deploy/deployPlan';
import type { ManifestHost } from '../../core/project/manifest';
import type { DomainAction } from '../../core/io/virsh';
import type { DeployService } from './deployService';
import { checkBeforeAction, reportCheck } from '../build/checkBeforeAction';

/** A VM node of the explorer, or what a command was given: `{ root, vm, uri? }`. */
interface VmTarget {
  root?: string;
  vm?: string;
  uri?: string;
}

/** An AbortSignal that fires when the progress notification's Cancel is pressed. */
function abortOn(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

export function registerDeployCommands(services: Services, deploy: DeployService): void {
  registerCommand(services, Commands.deploy, async (arg: unknown) => {
    if (!(await requireTrust('Deploy'))) return undefined;
    const project = await pickProject(services, arg, 'Deploy');
    if (!project) return undefined;
    const pre = await checkBeforeAction(services, project, 'deploy');
    void reportCheck(pre);
    if (!pre.proceed) return undefined;
    let hosts: ManifestHost[] = deploy.hostsOf(project);
    if (hosts.length === 0) {
      const uri = await vscode.window.showInputBox({
        title: 'VM Context: Deploy',
        prompt: 'The project names no hosts ("hosts" in vmcontext.json). libvirt URI to deploy to:',
        value: 'qemu:///system',
      });
      if (!uri) return undefined;
      hosts = [{ uri }];
    } else if (hosts.length > 1) {
      const picked = await vscode.window.showQuickPick(
        hosts.map((h) => ({ label: h.uri, description: h.pool ? `pool ${h.pool}` : h.directory ?? '', detail: h.vms?.length ? `VMs: ${h.vms.join(', ')}` : 'VMs spread round-robin', picked: true, host: h })),
        { title: 'VM Context: Deploy', placeHolder: 'Hosts to deploy to', canPickMany: true },
      );
      if (!picked?.length) return undefined;
      hosts = picked.map((p) => p.host);
    }
    const start = await vscode.window.showQuickPick([{ label: 'Deploy', start: false }, { label: 'Deploy and start', start: true }], { title: 'VM Context: Deploy' });
    if (!start) return undefined;
    const prepared = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'VM Context: deploy', cancellable: true }, (progress, token) =>
      deploy.prepare(project, hosts, { start: start.start }, abortOn(token), (message) => progress.report({ message })),
    );
    const text = formatPlan(prepared.plan);
    services.log.info(`deploy plan for ${project.root}:\n${text}`);
    if (prepared.plan.errors.length) throw new Error(prepared.plan.errors.join(' '));
    const n = changeCount(prepared.plan);
    if (n === 0) {
      void vscode.window.showInformationMessage('VM Context: the hosts are up to date; nothing to deploy.');
      return prepared.plan;
    }
    const go = await vscode.window.showInformationMessage(`Deploy ${n} change${n === 1 ? '' : 's'} to ${hosts.map((h) => h.uri).join(', ')}?`, { modal: true, detail: text }, 'Deploy');
    if (go !== 'Deploy') return undefined;
    const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'VM Context: deploying', cancellable: true }, (progress, token) =>
      deploy.apply(
        prepared,
        (uri, step) => {
          services.log.info(`${uri}: ${step}`);
          progress.report({ message: step, increment: 100 / n });
        },
        abortOn(token),
      ),
    );
    void vscode.window.showInformationMessage(`VM Context: deployed (${done} change${done === 1 ? '' : 's'}).`);
    return prepared.plan;
  });

  const act = (action: DomainAction, what: string) => async (arg: unknown) => {
    if (!(await requireTrust(what))) return undefined;
    const target = (arg && typeof arg === 'object' ? arg : {}) as VmTarget;
    const project = await pickProject(services, arg, what);
    if (!project) return undefined;
    let vm = target.vm;
    if (!vm) {
      const names = project.templates.map((t) => t.name?.value).filter((n): n is string => !!n);
      vm = await vscode.window.showQuickPick(names, { title: `VM Context: ${what}`, placeHolder: 'Which VM?' });
      if (!vm) return undefined;
    }
    const uri = target.uri ?? deploy.stateOf(project, vm)?.uri ?? deploy.hostsOf(project)[0]?.uri;
    if (!uri) throw new Error(`no host known for ${vm}: add "hosts" to vmcontext.json`);
    if (action === 'undefine') {
      const ok = await vscode.window.showWarningMessage(`Undefine ${vm} on ${uri}? Its disk files stay.`, { modal: true }, 'Undefine');
      if (ok !== 'Undefine') return undefined;
    }
    await deploy.act(project, vm, uri, action);
    return deploy.stateOf(project, vm);
  };
  registerCommand(services, Commands.vmStart, act('start', 'Start VM'));
  registerCommand(services, Commands.vmShutdown, act('shutdown', 'Shut Down VM'));
  registerCommand(services, Commands.vmUndefine, act('undefine', 'Undefine VM'));
  registerCommand(services, Commands.vmRefreshStates, async (arg: unknown) => {
    if (!(await requireTrust('Refresh VM States'))) return undefined;
    const project = await pickProject(services, arg, 'Refresh VM States');
    if (project) await deploy.refresh(project);
    return undefined;
  });
}

// A status-bar item with the VM subnet (`$(globe) 192.168.122.0/24`) while a file of a
// project is active; the tooltip sums up common/network and a click opens it.
import * as vscode from 'vscode';
import { cidr, vmSubnet } from '../../core/network/addressInfo';
import { networkFilePath } from '../../core/network/contextPaths';
import { formatIPv4 } from '../../core/network/ipv4';
import type { ContextProject } from '../../core/project/project';
import type { Services } from '../services';

export function registerSubnetStatusBar(services: Services): void {
  const item = vscode.window.createStatusBarItem('vmContext.network.subnet', vscode.StatusBarAlignment.Right, 100);
  item.name = 'VM Context: guest subnet';
  let generation = 0;
  const update = async () => {
    const mine = ++generation;
    const uri = vscode.window.activeTextEditor?.document.uri;
    const project = uri ? await services.projects.projectFor(uri) : undefined;
    if (mine !== generation) return; // a newer update is running
    const subnet = vmSubnet(project?.network);
    if (!project || !subnet) {
      item.hide();
      return;
    }
    item.text = `$(globe) ${cidr(subnet.network, subnet.prefix)}`;
    item.tooltip = tooltip(project);
    item.command = { title: 'Open common/network', command: 'vscode.open', arguments: [vscode.Uri.file(networkFilePath(project))] };
    item.show();
  };
  const run = () => void update().catch((e) => services.log.warn(`updating the subnet status: ${e}`));
  services.context.subscriptions.push(item, vscode.window.onDidChangeActiveTextEditor(run), services.projects.onDidChange(run));
  run();
}

function tooltip(project: ContextProject): vscode.MarkdownString {
  const n = project.network!;
  const ip = (v: number | undefined) => (v === undefined ? '—' : `\`${formatIPv4(v)}\``);
  const rows = [
    '**Guest network** (context/common/network)',
    '',
    `| | |`,
    `|---|---|`,
    `| network | ${ip(n.network)} |`,
    `| netmask | ${ip(n.netmask)} |`,
    `| gateway | ${ip(n.gateway)} |`,
    `| broadcast | ${ip(n.broadcast)} |`,
    `| nameservers | ${n.nameservers.map((s) => `\`${formatIPv4(s)}\``).join(' ') || '—'} |`,
    `| domain | ${n.domain ?? '—'} |`,
  ];
  return new vscode.MarkdownString(rows.join('\n'));
}

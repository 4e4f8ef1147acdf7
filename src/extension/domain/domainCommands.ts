// "Set MAC from IP" and "Generate UUID" on the active domain template (core: edits.ts).
import * as vscode from 'vscode';
import { UserError } from '../../core/common/errors';
import { generateUuidEdit, ipAtInterface, setMacFromIpEdit } from '../../core/domain/edits';
import { parseIPv4 } from '../../core/network/ipv4';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { toRange } from '../convert';
import type { Services } from '../services';
import { isDomainTemplate } from './templateDocuments';

function activeTemplate(): vscode.TextEditor {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isDomainTemplate(editor.document)) throw new UserError('open a domain template (an XML file whose root is <domain>) first');
  return editor;
}

export function registerDomainCommands(services: Services): void {
  registerCommand(services, Commands.generateUuid, async () => {
    const editor = activeTemplate();
    const edit = generateUuidEdit(editor.document.getText());
    await editor.edit((b) => b.replace(toRange(edit.range), edit.newText));
  });
  registerCommand(services, Commands.setMacFromIp, async (ipArg?: unknown) => {
    const editor = activeTemplate();
    const doc = editor.document;
    const offset = doc.offsetAt(editor.selection.active);
    const ip =
      typeof ipArg === 'string'
        ? ipArg
        : await vscode.window.showInputBox({
            title: 'Set MAC from IP',
            prompt: 'IPv4 address of the VM; the MAC encodes it in its last 4 bytes',
            value: ipAtInterface(doc.getText(), offset) ?? '',
            validateInput: (v) => (parseIPv4(v.trim()) !== undefined ? undefined : 'an IPv4 address, e.g. 192.168.122.17'),
          });
    if (ip === undefined) return;
    const { edit, mac } = setMacFromIpEdit(doc.getText(), offset, ip);
    await editor.edit((b) => b.replace(toRange(edit.range), edit.newText));
    services.log.info(`${doc.uri.fsPath}: MAC set to ${mac} for ${ip}`);
  });
}

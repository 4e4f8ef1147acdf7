// context/common/network and common/routes in a real editor: diagnostics with their codes and
// ranges as the user types, quick fixes that clear them, completion of keys and values.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activeExtension,
  applyQuickFix,
  completionLabels,
  diagnosticsWithCode,
  lineOf,
  openEditor,
  rangeText,
  replaceInDocument,
  revertAndCloseAll,
  waitForDiagnostic,
  waitForNoDiagnostic,
} from './helpers';

describe('common/network', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  it('NETMASK=24 gets network-invalid-netmask on the value; "Write 255.255.255.0" fixes it', async () => {
    const doc = await openEditor('context', 'common', 'network');
    assert.equal(doc.languageId, 'vmcontext-network');
    const uri = doc.uri;
    assert.equal(vscode.languages.getDiagnostics(uri).length, 0, 'the committed network file already has problems');
    // Line 4 (0-based 3) is NETMASK=255.255.255.0; the value starts at character 8.
    await replaceInDocument(doc, 'NETMASK=255.255.255.0', 'NETMASK=24');
    const d = await waitForDiagnostic(uri, 'network-invalid-netmask');
    assert.equal(rangeText(d.range), '3:8-3:10');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.source, 'vm-context');
    assert.match(d.message, /255\.255\.255\.0/);

    await applyQuickFix(uri, d, 'Write 255.255.255.0');
    assert.equal(lineOf(uri, 3), 'NETMASK=255.255.255.0');
    await waitForNoDiagnostic(uri, 'network-invalid-netmask');
  });

  it('a misspelt key gets network-unknown-key on the key; "Change to DOMAIN" fixes it', async () => {
    const doc = await openEditor('context', 'common', 'network');
    const uri = doc.uri;
    await replaceInDocument(doc, 'DOMAIN=cluster.example', 'DOMIAN=cluster.example');
    const d = await waitForDiagnostic(uri, 'network-unknown-key');
    assert.equal(rangeText(d.range), '7:0-7:6');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /did you mean DOMAIN\?/);
    await applyQuickFix(uri, d, 'Change to DOMAIN');
    assert.equal(lineOf(uri, 7), 'DOMAIN=cluster.example');
    await waitForNoDiagnostic(uri, 'network-unknown-key');
  });

  it('completion offers the keys not set elsewhere at the start of a line, and netmasks after NETMASK=', async () => {
    const doc = await openEditor('context', 'common', 'network');
    const uri = doc.uri;
    // The user starts retyping the DOMAIN line: "DOM" with the cursor after it.
    await replaceInDocument(doc, 'DOMAIN=cluster.example', 'DOM');
    const keys = completionLabels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(7, 3)));
    assert.ok(keys.includes('DOMAIN'), `DOMAIN not offered: ${JSON.stringify(keys)}`);
    assert.ok(!keys.includes('NETMASK'), `NETMASK is set on line 4 but offered again: ${JSON.stringify(keys)}`);

    await replaceInDocument(doc, 'NETMASK=255.255.255.0', 'NETMASK=');
    const values = completionLabels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(3, 8)));
    assert.ok(values.includes('255.255.255.0'), `255.255.255.0 not offered after NETMASK=: ${JSON.stringify(values)}`);
    assert.ok(values.includes('255.255.0.0'), `the common netmasks are not offered: ${JSON.stringify(values)}`);
  });
});

describe('common/routes', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  it('an unfilled <<placeholder>> gets routes-placeholder on exactly the placeholder', async () => {
    const doc = await openEditor('context', 'common', 'routes');
    assert.equal(doc.languageId, 'vmcontext-routes');
    const uri = doc.uri;
    assert.equal(vscode.languages.getDiagnostics(uri).length, 0, 'the committed routes file already has problems');
    // Line 3 (0-based 2): `up ip route add 172.16.0.0/12 via …`; the destination starts at 16.
    await replaceInDocument(doc, '172.16.0.0/12', '<<office_net>>');
    const d = await waitForDiagnostic(uri, 'routes-placeholder');
    assert.equal(rangeText(d.range), '2:16-2:30');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /<<office_net>>/);
    await replaceInDocument(doc, '<<office_net>>', '172.16.0.0/12');
    await waitForNoDiagnostic(uri, 'routes-placeholder');
  });

  it('a gateway that is no IPv4 address gets routes-invalid-ipv4 on the address', async () => {
    const doc = await openEditor('context', 'common', 'routes');
    const uri = doc.uri;
    await replaceInDocument(doc, 'gw 192.168.122.1', 'gw 192.168.122.300');
    const d = await waitForDiagnostic(uri, 'routes-invalid-ipv4');
    assert.equal(rangeText(d.range), '1:48-1:63');
    assert.match(d.message, /"192\.168\.122\.300" is not a dotted IPv4 address/);
    assert.equal(diagnosticsWithCode(uri, 'routes-invalid-ipv4').length, 1);
  });

  it('`netmask 8` gets routes-invalid-netmask; "Write 255.0.0.0" fixes it', async () => {
    const doc = await openEditor('context', 'common', 'routes');
    const uri = doc.uri;
    await replaceInDocument(doc, 'netmask 255.0.0.0', 'netmask 8');
    const d = await waitForDiagnostic(uri, 'routes-invalid-netmask', '1:35-1:36');
    await applyQuickFix(uri, d, 'Write 255.0.0.0');
    assert.equal(lineOf(uri, 1), 'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1 dev eth0');
    await waitForNoDiagnostic(uri, 'routes-invalid-netmask');
  });
});

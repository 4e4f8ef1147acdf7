// Domain templates in a real editor: the project rules and the RELAX NG schema as diagnostics
// with codes and ranges, a quick fix, a re-check when common/network changes unsaved,
// completion of schema names and the hover on a MAC.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  activeExtension,
  applyQuickFix,
  completionLabels,
  lineOf,
  openEditor,
  projectUri,
  rangeText,
  replaceInDocument,
  revertAndCloseAll,
  waitForDiagnostic,
  waitForNoDiagnostic,
} from './helpers';

const LIBVIRT_DOMAIN_RNG = '/usr/share/libvirt/schemas/domain.rng';

describe('templates: diagnostics and quick fixes', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  it("a CD-ROM on bus 'virtio' gets domain-cdrom-bus; the preferred fix puts it back on 'sata'", async () => {
    const doc = await openEditor('templates', 'debian1.xml');
    const uri = doc.uri;
    // Line 33 (0-based 32): `      <target dev='sda' bus='sata'/>` of the context CD-ROM.
    await replaceInDocument(doc, "<target dev='sda' bus='sata'/>", "<target dev='sda' bus='virtio'/>");
    const d = await waitForDiagnostic(uri, 'domain-cdrom-bus');
    assert.equal(rangeText(d.range), '32:29-32:35');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    const fix = await applyQuickFix(uri, d, "Put the CD-ROM on bus 'sata'");
    assert.equal(fix.isPreferred, true);
    assert.equal(lineOf(uri, 32), "      <target dev='sda' bus='sata'/>");
    await waitForNoDiagnostic(uri, 'domain-cdrom-bus');
  });

  it('a MAC whose IP is outside the network gets domain-mac-ip-outside-network; the fix picks a free address', async () => {
    const doc = await openEditor('templates', 'debian1.xml');
    const uri = doc.uri;
    // 00:16:0a:00:00:05 encodes 10.0.0.5; the MAC value sits at 36:20-36:37.
    await replaceInDocument(doc, "address='00:16:c0:a8:7a:11'", "address='00:16:0a:00:00:05'");
    const d = await waitForDiagnostic(uri, 'domain-mac-ip-outside-network');
    assert.equal(rangeText(d.range), '36:20-36:37');
    assert.match(d.message, /10\.0\.0\.5, outside the network 192\.168\.122\.0\/24/);
    // .1 is the gateway, .17-.19 are debian1-3's (debian1's own MAC no longer counts): .2 is free.
    await applyQuickFix(uri, d, 'Set the MAC to 00:16:c0:a8:7a:02 (next free address 192.168.122.2)');
    assert.equal(lineOf(uri, 36), "      <mac address='00:16:c0:a8:7a:02'/>");
    await waitForNoDiagnostic(uri, 'domain-mac-ip-outside-network');
  });

  it("a name another template has gets domain-name-duplicate, with that template's name as related information", async () => {
    const doc = await openEditor('templates', 'debian2.xml');
    const uri = doc.uri;
    await replaceInDocument(doc, '<name>debian2</name>', '<name>debian1</name>');
    const d = await waitForDiagnostic(uri, 'domain-name-duplicate');
    assert.equal(rangeText(d.range), '4:8-4:15');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.relatedInformation?.length, 1, JSON.stringify(d.relatedInformation));
    const [rel] = d.relatedInformation!;
    assert.equal(rel.location.uri.fsPath, projectUri('templates', 'debian1.xml').fsPath);
    assert.equal(rangeText(rel.location.range), '4:8-4:15');
    assert.match(rel.message, /debian1/);
    await replaceInDocument(doc, '<name>debian1</name>', '<name>debian2</name>');
    await waitForNoDiagnostic(uri, 'domain-name-duplicate');
  });

  it('a value the RELAX NG schema refuses gets libvirt-schema at the value, from libvirt\'s domain.rng when installed', async () => {
    const doc = await openEditor('templates', 'debian1.xml');
    const uri = doc.uri;
    // Line 22 (0-based 21): `  <on_crash>destroy</on_crash>`.
    await replaceInDocument(doc, '<on_crash>destroy</on_crash>', '<on_crash>explode</on_crash>');
    const d = await waitForDiagnostic(uri, 'libvirt-schema', undefined, 60_000); // the first use compiles the schema
    assert.equal(rangeText(d.range), '21:12-21:19');
    assert.match(d.message, /"explode"/);
    assert.match(d.message, /"destroy"/);
    // CI installs libvirt's schemas (.ci/apt-packages.txt); without them the bundled one checks.
    assert.equal(d.source, fs.existsSync(LIBVIRT_DOMAIN_RNG) ? 'libvirt-schema (domain.rng)' : 'libvirt-schema (domain-template.rng)');
    await replaceInDocument(doc, '<on_crash>explode</on_crash>', '<on_crash>destroy</on_crash>');
    await waitForNoDiagnostic(uri, 'libvirt-schema');
  });

  it('an unsaved edit of common/network re-checks the MAC/IP rule of an open template', async () => {
    const template = await openEditor('templates', 'debian1.xml');
    const network = await vscode.workspace.openTextDocument(projectUri('context', 'common', 'network'));
    await vscode.window.showTextDocument(network, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    assert.equal(vscode.languages.getDiagnostics(template.uri).length, 0, 'debian1.xml has problems before the edit');
    // debian1 is 192.168.122.17: outside once the network moves to 192.168.123.0/24.
    await replaceInDocument(network, 'NETWORK=192.168.122.0', 'NETWORK=192.168.123.0');
    assert.ok(network.isDirty, 'the network edit was saved');
    const d = await waitForDiagnostic(template.uri, 'domain-mac-ip-outside-network', '36:20-36:37');
    assert.match(d.message, /192\.168\.122\.17, outside the network 192\.168\.123\.0\/24/);
    // Undo the unsaved edit: the template is fine again.
    await replaceInDocument(network, 'NETWORK=192.168.123.0', 'NETWORK=192.168.122.0');
    await waitForNoDiagnostic(template.uri, 'domain-mac-ip-outside-network');
    assert.equal(fs.readFileSync(network.uri.fsPath, 'utf8').includes('NETWORK=192.168.122.0'), true, 'the file on disk changed');
  });
});

describe('templates: completion and hover', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  it('completion offers the schema\'s element names after "<" inside <devices>', async () => {
    const doc = await openEditor('templates', 'debian1.xml');
    await replaceInDocument(doc, '  <devices>\n', '  <devices>\n    <\n');
    // The new line is 24 (0-based 23); the cursor after "    <".
    assert.equal(doc.lineAt(23).text, '    <');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(23, 5), '<');
    const labels = completionLabels(list);
    for (const name of ['disk', 'interface', 'graphics', 'serial']) assert.ok(labels.includes(name), `${name} not offered: ${JSON.stringify(labels)}`);
    assert.ok(!labels.includes('name'), `<name> is not a device but is offered: ${JSON.stringify(labels)}`);
    const disk = list.items.find((i) => i.label === 'disk')!;
    assert.equal(disk.kind, vscode.CompletionItemKind.Class);
  });

  it('completion offers the attribute names of <clock> that are not yet there', async () => {
    const doc = await openEditor('templates', 'debian1.xml');
    await replaceInDocument(doc, "<clock offset='utc'/>", "<clock offset='utc' />");
    // Line 19 (0-based 18): `  <clock offset='utc' />`, cursor before "/>".
    const line = doc.lineAt(18).text;
    assert.equal(line, "  <clock offset='utc' />");
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(18, line.indexOf('/>')), ' ');
    const labels = completionLabels(list);
    assert.ok(labels.includes('timezone') && labels.includes('adjustment'), `clock attributes not offered: ${JSON.stringify(labels)}`);
    assert.ok(!labels.includes('offset'), `offset is present but offered again: ${JSON.stringify(labels)}`);
    assert.equal(list.items.find((i) => i.label === 'timezone')!.kind, vscode.CompletionItemKind.Property);
  });

  it('hovering a MAC shows the IPv4 address it encodes', async () => {
    const doc = await openEditor('templates', 'debian1.xml');
    const line = doc.lineAt(36).text;
    assert.equal(line, "      <mac address='00:16:c0:a8:7a:11'/>");
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(36, line.indexOf('7a:11')));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*192\.168\.122\.17\*\*/, `no IP in the hover: ${text}`);
    const ours = hovers.find((h) => h.contents.some((c) => typeof c !== 'string' && /192\.168\.122\.17/.test(c.value)))!;
    assert.equal(rangeText(ours.range!), '36:20-36:37');
  });
});

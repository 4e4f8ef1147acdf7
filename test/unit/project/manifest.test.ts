import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../../../src/core/project/manifest';

test('a valid manifest is read with every field', () => {
  const { manifest, diagnostics } = parseManifest(
    JSON.stringify({
      contextDir: 'ctx',
      templates: ['vms/*.xml'],
      baseImage: 'images/base.qcow2',
      isoLabel: 'CIDATA',
      output: { iso: 'out/c.iso', overlays: 'out/ov' },
      remote: { directory: '/srv/vms', bridge: 'br0' },
      addressing: 'dhcp',
      hosts: [{ uri: 'qemu:///system', directory: '/var/lib/libvirt/images', vms: ['a'] }],
    }),
  );
  assert.deepEqual(diagnostics, []);
  assert.equal(manifest.contextDir, 'ctx');
  assert.deepEqual(manifest.templates, ['vms/*.xml']);
  assert.equal(manifest.isoLabel, 'CIDATA');
  assert.equal(manifest.output?.overlays, 'out/ov');
  assert.equal(manifest.remote?.bridge, 'br0');
  assert.equal(manifest.addressing, 'dhcp');
  assert.equal(manifest.hosts?.[0].uri, 'qemu:///system');
});

test('wrong types, unknown keys and bad labels are diagnostics at the value', () => {
  const text = '{\n  "contextDir": 3,\n  "isoLabel": "my label",\n  "colour": "red",\n  "addressing": "static"\n}';
  const { manifest, diagnostics } = parseManifest(text);
  const byLine = Object.fromEntries(diagnostics.map((d) => [d.range.start.line, d]));
  assert.equal(byLine[1].code, 'manifest-invalid');
  assert.match(byLine[1].message, /"contextDir" must be a non-empty string/);
  assert.equal(byLine[1].range.start.character, 16);
  assert.match(byLine[2].message, /ISO 9660 volume label/);
  assert.equal(byLine[3].severity, 'warning');
  assert.match(byLine[3].message, /unknown property "colour"; expected one of/);
  assert.match(byLine[4].message, /"addressing" must be one of "mac", "dhcp"/);
  assert.equal(manifest.contextDir, undefined);
  assert.equal(manifest.addressing, undefined);
});

test('a JSON syntax error is one diagnostic at its place, and nothing throws', () => {
  const { diagnostics } = parseManifest('{\n  "contextDir": "context",\n}');
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'manifest-syntax');
  assert.equal(diagnostics[0].range.start.line, 2);
  for (const bad of ['', '[]', 'null', '{"hosts": [{}]}', '{"hosts": 1}', '\u0000\u0001']) {
    assert.doesNotThrow(() => parseManifest(bad));
  }
  assert.match(parseManifest('[]').diagnostics[0].message, /must hold a JSON object/);
  assert.match(parseManifest('{"hosts": [{}]}').diagnostics[0].message, /needs a "uri"/);
});

test('two hosts with the same URI: manifest-host-duplicate on the second uri, both kept so deploy refuses', () => {
  const text = '{\n  "hosts": [\n    { "uri": "qemu+ssh://lc1/system", "directory": "/srv/a" },\n    { "uri": "qemu+ssh://lc1/system", "directory": "/srv/b" }\n  ]\n}';
  const { manifest, diagnostics } = parseManifest(text);
  assert.equal(diagnostics.length, 1);
  const d = diagnostics[0];
  assert.equal(d.code, 'manifest-host-duplicate');
  assert.equal(d.severity, 'error');
  assert.equal(d.range.start.line, 3);
  assert.equal(d.range.start.character, text.split('\n')[3].indexOf('"qemu+ssh'));
  assert.match(d.message, /listed twice \(directory "\/srv\/a", then directory "\/srv\/b"\)/);
  assert.equal(manifest.hosts?.length, 2);
  assert.deepEqual(parseManifest('{"hosts": [{"uri": "a"}, {"uri": "b"}]}').diagnostics, []);
});

// Completion and hover in cloud-init files, from the schemas' descriptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudInitCompletions, cloudInitHover } from '../../../src/core/cloudinit/cloudInitAssist';

/** The text without the `|` marker, and the marker's offset. */
function at(marked: string): [string, number] {
  const i = marked.indexOf('|');
  return [marked.slice(0, i) + marked.slice(i + 1), i];
}

const labels = (items: Array<{ label: string }>) => items.map((i) => i.label);

test('user-data: the first line completes the headers, #cloud-config first', () => {
  const items = cloudInitCompletions('user-data', ...at('#cl|'));
  assert.ok(labels(items).includes('#cloud-config'));
  assert.equal([...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label))[0].label, '#cloud-config');
});

test('user-data: top-level keys, keys inside a list item, without the keys already there', () => {
  const top = labels(cloudInitCompletions('user-data', ...at('#cloud-config\npackages: [vim]\npack|\n')));
  assert.ok(top.includes('package_update'));
  assert.ok(!top.includes('packages'), 'packages is already set');
  const user = cloudInitCompletions('user-data', ...at('#cloud-config\nusers:\n  - name: bob\n    sh|\n'));
  const shell = user.find((i) => i.label === 'shell');
  assert.ok(shell, labels(user).join(' '));
  assert.match(shell.documentation ?? '', /login shell/);
  assert.ok(!labels(user).includes('name'));
  const nested = labels(cloudInitCompletions('user-data', ...at('#cloud-config\nntp:\n  enabled: true\n  |\n')));
  assert.ok(nested.includes('servers') && nested.includes('pools'), nested.join(' '));
  assert.ok(!nested.includes('enabled'));
});

test('user-data: values of enums and booleans', () => {
  assert.deepEqual(labels(cloudInitCompletions('user-data', ...at('#cloud-config\npackage_update: |\n'))).sort(), ['false', 'true']);
  const modes = labels(cloudInitCompletions('user-data', ...at('#cloud-config\npower_state:\n  mode: |\n')));
  assert.ok(modes.includes('reboot') && modes.includes('poweroff'), modes.join(' '));
});

test('user-data that is a script gets no key completion', () => {
  assert.deepEqual(cloudInitCompletions('user-data', ...at('#!/bin/sh\nec|\n')), []);
});

test('network-config: v2 device keys and v1 keys follow the declared version', () => {
  const v2 = labels(cloudInitCompletions('network-config', ...at('version: 2\nethernets:\n  eth0:\n    dhcp4: true\n    |\n')));
  assert.ok(v2.includes('addresses') && v2.includes('match') && !v2.includes('dhcp4'), v2.join(' '));
  const wrapped = labels(cloudInitCompletions('network-config', ...at('network:\n  version: 2\n  |\n')));
  assert.ok(wrapped.includes('ethernets') && wrapped.includes('bonds'), wrapped.join(' '));
  const v1 = labels(cloudInitCompletions('network-config', ...at('version: 1\nconfig:\n  - type: physical\n    |\n')));
  assert.ok(v1.includes('mac_address') && v1.includes('subnets'), v1.join(' '));
});

test('meta-data: the NoCloud keys', () => {
  const keys = labels(cloudInitCompletions('meta-data', ...at('instance-id: web1\n|')));
  assert.ok(keys.includes('local-hostname') && !keys.includes('instance-id'), keys.join(' '));
  assert.deepEqual(labels(cloudInitCompletions('meta-data', ...at('dsmode: |'))), ['local', 'net', 'disabled']);
});

test('hover shows the description, type and deprecation of a key, and the meaning of the header', () => {
  const h = cloudInitHover('user-data', ...at('#cloud-config\nusers:\n  - name: bob\n    lock-pa|sswd: true\n'));
  assert.ok(h);
  assert.match(h.markdown, /\*\*lock-passwd\*\*/);
  assert.match(h.markdown, /Deprecated in cloud-init 22\.3/);
  assert.deepEqual(h.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 15 } });
  const header = cloudInitHover('user-data', ...at('#cloud-con|fig\n'));
  assert.match(header?.markdown ?? '', /text\/cloud-config/);
  const net = cloudInitHover('network-config', ...at('version: 2\nethernets:\n  eth0:\n    ga|teway4: 10.0.0.1\n'));
  assert.match(net?.markdown ?? '', /gateway/i);
  assert.equal(cloudInitHover('user-data', ...at('#cloud-config\nnot_a_key|: 1\n')), undefined);
  assert.match(cloudInitHover('meta-data', ...at('instance-|id: x\n'))?.markdown ?? '', /per-instance/);
});

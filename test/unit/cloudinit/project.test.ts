// NoCloud projects: the manifest's flavor and network, the loader finding cloud-init/, and
// checkProject running the cloud-init checks with the rules across files (MACs of the
// templates, MAC-derived addresses, instance-ids), without the Snooze-only rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from '../../../src/core/common/fileSystem';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { parseManifest } from '../../../src/core/project/manifest';
import { defaultSettings } from '../../../src/core/settings';
import { checkProject } from '../../../src/core/validation/checkProject';
import { remove, repoRoot, tempDir } from '../helpers/tempProject';
import { testSchemas } from '../helpers/tempProject';

const example = path.join(repoRoot, 'examples/nocloud-cluster');

function copy(): string {
  const dir = tempDir();
  cpSync(example, dir, { recursive: true });
  return dir;
}

async function check(dir: string) {
  const project = await loadProject(nodeFileSystem, dir);
  const results = await checkProject(project, async (f) => decodeText(await nodeFileSystem.readFile(f)), defaultSettings, testSchemas);
  return results.flatMap((r) => r.diagnostics.map((d) => ({ file: path.relative(dir, r.file), line: d.range.start.line + 1, ...d })));
}

const edit = (file: string, from: string | RegExp, to: string) => {
  const text = readFileSync(file, 'utf8');
  assert.ok(typeof from === 'string' ? text.includes(from) : from.test(text), `${file} holds ${from}`);
  writeFileSync(file, text.replace(from, to));
};

test('the manifest reads flavor and network, and reports bad values at the value', () => {
  const ok = parseManifest(JSON.stringify({ flavor: 'nocloud', network: { cidr: '10.0.0.0/24', gateway: '10.0.0.1', nameservers: ['10.0.0.1'], search: ['lan'], addressing: 'dhcp' } }));
  assert.deepEqual(ok.diagnostics, []);
  assert.equal(ok.manifest.flavor, 'nocloud');
  assert.equal(ok.manifest.network?.addressing, 'dhcp');
  const text = '{\n  "flavor": "cloud",\n  "network": {\n    "cidr": "10.0.0.0/33",\n    "gateway": "10.1.0.1",\n    "nameservers": ["dns"],\n    "search": ["-bad"],\n    "addressing": "mac",\n    "mask": 1\n  }\n}';
  const byLine = new Map<number, string[]>();
  for (const d of parseManifest(text).diagnostics) byLine.set(d.range.start.line + 1, [...(byLine.get(d.range.start.line + 1) ?? []), d.message]);
  assert.match(byLine.get(2)!.join(), /"flavor" must be one of "snooze", "nocloud"/);
  assert.match(byLine.get(4)!.join(), /CIDR form/);
  assert.match(byLine.get(6)!.join(), /IPv4 address/);
  assert.match(byLine.get(7)!.join(), /domain name/);
  assert.match(byLine.get(8)!.join(), /"static", "dhcp"/);
  assert.match(byLine.get(9)!.join(), /unknown property "mask"/);
  const gw = parseManifest('{"network": {"cidr": "10.0.0.0/24",\n "gateway": "10.1.0.1"}}').diagnostics;
  assert.equal(gw.length, 1);
  assert.equal(gw[0].range.start.line, 1);
  assert.match(gw[0].message, /outside "network.cidr"/);
  const host = parseManifest('{"network": {"cidr": "10.0.0.1/24"}}').diagnostics;
  assert.equal(host[0].severity, 'warning');
  assert.match(host[0].message, /host bits set: the network of 10.0.0.1\/24 is 10.0.0.0\/24/);
  const contradiction = parseManifest('{"addressing": "dhcp", "network": {"addressing": "static"}}').diagnostics;
  assert.match(contradiction[0].message, /contradicts/);
});

test('the loader finds the seed files, the network comes from the manifest, static means MAC addressing', async () => {
  const p = await loadProject(nodeFileSystem, example);
  assert.equal(p.flavor, 'nocloud');
  assert.equal(p.addressing, 'mac');
  assert.deepEqual(p.contextFiles, []);
  assert.deepEqual(
    p.cloudInit?.files.map((f) => [path.relative(example, f.path), f.kind, f.vm ?? '', f.instanceId ?? '']),
    [
      ['cloud-init/user-data', 'user-data', '', ''],
      ['cloud-init/web1/meta-data', 'meta-data', 'web1', 'web1'],
      ['cloud-init/web2/meta-data', 'meta-data', 'web2', 'web2'],
      ['cloud-init/web2/network-config', 'network-config', 'web2', ''],
    ],
  );
  assert.equal(p.network?.network, 0xc0a87a00);
  assert.equal(p.network?.netmask, 0xffffff00);
  assert.equal(p.network?.gateway, 0xc0a87a01);
  assert.deepEqual(p.cloudInit?.others, []);
});

test('the example NoCloud project checks clean, with no Snooze-only diagnostic', async () => {
  assert.deepEqual(await check(example), []);
});

test('a broken copy reports each problem in its file at its line', async () => {
  const dir = copy();
  try {
    const ci = path.join(dir, 'cloud-init');
    edit(path.join(ci, 'user-data'), 'packages:', 'packges:');
    edit(path.join(ci, 'web2/meta-data'), 'instance-id: web2', 'instance-id: web1');
    edit(path.join(ci, 'web2/network-config'), 'addresses: [192.168.122.21/24]', 'addresses: [192.168.122.30/24]');
    edit(path.join(ci, 'web2/network-config'), 'gateway4: 192.168.122.1', 'gateway4: 192.168.0.1');
    const ds = await check(dir);
    const got = ds.map((d) => `${d.file}:${d.line} ${d.code}`).sort();
    assert.deepEqual(got, [
      'cloud-init/user-data:14 cloudinit-schema-unknown-key',
      'cloud-init/web1/meta-data:1 cloudinit-meta-instance-id-duplicate',
      'cloud-init/web2/meta-data:1 cloudinit-meta-instance-id-duplicate',
      'cloud-init/web2/network-config:11 cloudinit-network-gateway-unreachable',
      'cloud-init/web2/network-config:8 cloudinit-network-address-mac-mismatch',
    ]);
    const mismatch = ds.find((d) => d.code === 'cloudinit-network-address-mac-mismatch')!;
    assert.match(mismatch.message, /192\.168\.122\.30 is not 192\.168\.122\.21, the address the MAC 52:54:c0:a8:7a:15 of web2 encodes/);
    assert.equal(mismatch.related?.[0].file, path.join(dir, 'templates/web2.xml'));
  } finally {
    remove(dir);
  }
});

test('MACs must be a template interface, addresses inside the network; a shared static network-config is refused', async () => {
  const dir = copy();
  try {
    const ci = path.join(dir, 'cloud-init');
    edit(path.join(ci, 'web2/network-config'), '52:54:c0:a8:7a:15', '52:54:c0:a8:7a:99');
    edit(path.join(ci, 'web2/network-config'), 'addresses: [192.168.122.21/24]', 'addresses: [10.9.9.9/24]');
    writeFileSync(path.join(ci, 'network-config'), 'version: 2\nethernets:\n  eth0:\n    addresses: [192.168.122.40/24]\n');
    mkdirSync(path.join(ci, 'web3'));
    writeFileSync(path.join(ci, 'web3/meta-data'), 'instance-id: web3\n');
    writeFileSync(path.join(ci, 'user-data.yaml'), '#cloud-config\n');
    const ds = await check(dir);
    const got = ds.map((d) => `${d.file}:${d.line} ${d.code}`).sort();
    assert.deepEqual(got, [
      'cloud-init/network-config:4 cloudinit-network-address-mac-mismatch',
      'cloud-init/user-data.yaml:1 cloudinit-file-unknown',
      'cloud-init/web2/network-config:11 cloudinit-network-gateway-unreachable',
      'cloud-init/web2/network-config:6 cloudinit-network-mac-unknown',
      'cloud-init/web2/network-config:8 cloudinit-network-address-outside',
      'cloud-init/web3:1 cloudinit-vm-unknown',
    ]);
    // The shared file serves web1 only (web2 has its own): one VM, so its address is checked
    // against web1's MAC (52:54:c0:a8:7a:14 = 192.168.122.20).
    const shared = (await check(dir)).filter((d) => d.file === 'cloud-init/network-config');
    assert.deepEqual(shared.map((d) => d.code), ['cloudinit-network-address-mac-mismatch']);
    assert.match(shared[0].message, /192\.168\.122\.40 is not 192\.168\.122\.20/);
    renameSync(path.join(ci, 'web2/network-config'), path.join(ci, 'web2/network-config.bak'));
    const both = (await check(dir)).filter((d) => d.file === 'cloud-init/network-config').map((d) => d.code);
    assert.deepEqual(both, ['cloudinit-network-shared-static']);
  } finally {
    remove(dir);
  }
});

test('a NoCloud project without cloud-init/ or network gets layout warnings, not Snooze ones', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'vmcontext.json'), '{"flavor": "nocloud", "isoLabel": "CONTEXT", "contextDir": "ctx"}');
    assert.deepEqual((await check(dir)).map((d) => d.code).sort(), ['cloudinit-iso-label', 'cloudinit-missing', 'manifest-field-unused']);
    // blkid compares the case: cloud-init finds CIDATA or cidata, not CiData.
    for (const [label, codes] of [['cidata', []], ['CiData', ['cloudinit-iso-label']]] as const) {
      writeFileSync(path.join(dir, 'vmcontext.json'), JSON.stringify({ flavor: 'nocloud', isoLabel: label }));
      assert.deepEqual((await check(dir)).map((d) => d.code).filter((c) => c !== 'cloudinit-missing'), codes, label);
    }
    writeFileSync(path.join(dir, 'vmcontext.json'), '{"flavor": "nocloud"}');
    assert.equal((await loadProject(nodeFileSystem, dir)).isoLabel, 'CIDATA');
    const ds = await check(dir);
    assert.deepEqual(ds.map((d) => d.code), ['cloudinit-missing']);
    mkdirSync(path.join(dir, 'cloud-init'));
    cpSync(path.join(example, 'templates/web1.xml'), path.join(dir, 'web1.xml'));
    const again = await check(dir);
    assert.deepEqual(again.map((d) => d.code).sort(), ['cloudinit-missing-user-data', 'manifest-network-missing']);
    assert.match(again.find((d) => d.code === 'cloudinit-missing-user-data')!.message, /web1 has none of its own/);
  } finally {
    remove(dir);
  }
});

test('a Snooze project with a "network" in its manifest is told it is not read', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'vmcontext.json'), '{"network": {"cidr": "10.0.0.0/24"}}');
    mkdirSync(path.join(dir, 'context'));
    writeFileSync(path.join(dir, 'context/post-install'), '#!/bin/sh\n');
    const ds = await check(dir);
    assert.deepEqual(ds.map((d) => d.code), ['manifest-network-unused']);
  } finally {
    remove(dir);
  }
});

test("the templates' MAC ⇄ IP rules take the NoCloud network from the manifest", async () => {
  const dir = copy();
  try {
    edit(path.join(dir, 'templates/web1.xml'), "<mac address='52:54:c0:a8:7a:14'/>", "<mac address='52:54:0a:00:00:05'/>");
    const ds = (await check(dir)).filter((d) => d.file === 'templates/web1.xml');
    assert.deepEqual(ds.map((d) => d.code), ['domain-mac-ip-outside-network']);
    assert.match(ds[0].message, /gives the guest 10\.0\.0\.5, outside the network 192\.168\.122\.0\/24 of vmcontext\.json "network"/);
  } finally {
    remove(dir);
  }
});

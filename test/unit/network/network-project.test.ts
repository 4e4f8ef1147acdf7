// The network and routes files inside a project: the loader fills project.network, the
// validators find the files by path (also in a moved context folder), and `vmctx check` reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { checkProject, validateDocument } from '../../../src/core/validation/checkProject';
import { withNetworkText } from '../../../src/core/network/projectNetwork';
import { formatIPv4 } from '../../../src/core/network/ipv4';
import type { Settings } from '../../../src/core/settings';
import { copyExample, exampleProject, remove, repoRoot, tempDir, writeTree } from '../helpers/tempProject';
import { testSchemas } from '../helpers/tempProject';

const settings = {} as Settings; // the network and routes validators read no settings
const read = async (f: string) => readFileSync(f, 'utf8');

test('the loader fills project.network from common/network', async () => {
  const p = await loadProject(nodeFileSystem, exampleProject);
  assert.ok(p.network);
  assert.equal(formatIPv4(p.network.network!), '192.168.122.0');
  assert.equal(formatIPv4(p.network.netmask!), '255.255.255.0');
  assert.equal(formatIPv4(p.network.gateway!), '192.168.122.1');
  assert.deepEqual(p.network.nameservers.map(formatIPv4), ['192.168.122.1', '9.9.9.9']);
  assert.deepEqual(p.network.search, ['cluster.example', 'example']);
  assert.equal(p.network.domain, 'cluster.example');
});

test('no common/network, no network; the example checks clean for network and routes', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '#!/bin/sh\n' });
  try {
    assert.equal((await loadProject(nodeFileSystem, dir)).network, undefined);
  } finally {
    remove(dir);
  }
  const p = await loadProject(nodeFileSystem, exampleProject);
  const results = await checkProject(p, read, settings, testSchemas);
  assert.deepEqual(results.filter((r) => /common[\\/](network|routes)$/.test(r.file)), []);
});

test('a context folder moved by vmcontext.json is still checked, routes against its network', async () => {
  const dir = writeTree(tempDir(), {
    'vmcontext.json': '{ "contextDir": "guest" }',
    'guest/post-install': '#!/bin/sh\n',
    'guest/common/network': 'NETWORK=10.1.0.0\nNETMASK=255.255.0.0\nGATEWAY=10.1.0.1\n',
    'guest/common/routes': 'up route add -net 172.16.0.0 netmask 255.240.0.0 gw 192.168.122.1\n',
  });
  try {
    const p = await loadProject(nodeFileSystem, dir);
    const routes = path.join(dir, 'guest/common/routes');
    const ds = validateDocument(p, routes, await read(routes), settings, testSchemas);
    assert.deepEqual(ds.map((d) => d.code), ['routes-gateway-unreachable']);
    // With the editor's unsaved network the same gateway becomes reachable.
    const edited = withNetworkText(p, 'NETWORK=192.168.122.0\nNETMASK=255.255.255.0\nGATEWAY=192.168.122.1\n');
    assert.deepEqual(validateDocument(edited, routes, await read(routes), settings, testSchemas), []);
    assert.equal(p.network!.gateway, 0x0a010001, 'the original project is left as it was');
    const network = path.join(dir, 'guest/common/network');
    assert.deepEqual(validateDocument(p, network, 'NETWORK=10.1.0.0\n', settings, testSchemas).map((d) => d.code), ['network-missing-key', 'network-missing-key']);
  } finally {
    remove(dir);
  }
});

test('vmctx check reports network and routes problems with their positions', () => {
  assert.ok(existsSync(path.join(repoRoot, 'dist/cli.js')), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const dir = copyExample();
  try {
    writeFileSync(path.join(dir, 'context/common/routes'), 'up route add -net <<vlan-net>> netmask 255.255.0.0 gw 192.168.122.1\n');
    writeFileSync(path.join(dir, 'context/common/network'), readFileSync(path.join(dir, 'context/common/network'), 'utf8').replace('NETMASK=255.255.255.0', 'NETMASK=24'));
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'check', dir], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^context\/common\/network:4:9: error network-invalid-netmask: /m);
    assert.match(r.stdout, /^context\/common\/routes:1:19: error routes-placeholder: /m);
  } finally {
    remove(dir);
  }
});

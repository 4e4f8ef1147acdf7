import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { routesDiagnostics } from '../../../src/core/validation/routes/routesValidator';
import { readNetworkSettings } from '../../../src/core/network/networkFile';
import { exampleProject } from '../helpers/tempProject';
import { applyEdits, covered, only, rows } from './helpers';

const network = readNetworkSettings('NETWORK=192.168.122.0\nNETMASK=255.255.255.0\nGATEWAY=192.168.122.1\n');

const clean = `# extra routes
up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1 dev eth0
up route add -host 10.20.30.40 gw 192.168.122.254 metric 5
pre-down route del default gw 192.168.122.1
up ip route add 172.16.0.0/12 via 192.168.122.1 dev eth0 metric 10
down ip route del 172.16.0.0/12 via 192.168.122.1
post-up ip route add default via 192.168.122.1

up route add -net 100.64.0.0/10 dev eth0
up ip route add 198.51.100.0/24 via 100.64.0.1
`;

test('a clean file has no diagnostic; so does the example project', () => {
  assert.deepEqual(routesDiagnostics(clean, network), []);
  const example = readFileSync(path.join(exampleProject, 'context/common/routes'), 'utf8');
  const exampleNetwork = readNetworkSettings(readFileSync(path.join(exampleProject, 'context/common/network'), 'utf8'));
  assert.deepEqual(routesDiagnostics(example, exampleNetwork), []);
});

test("routes-placeholder: on each <<name>> of the Grid'5000-style routes file", () => {
  const text = readFileSync(path.join(__dirname, 'fixtures/grid5000-routes'), 'utf8');
  const ds = routesDiagnostics(text, network);
  assert.deepEqual(rows(text, ds), [
    ['routes-placeholder', '<<site-net>>', 2],
    ['routes-placeholder', '<<site-netmask>>', 2],
    ['routes-placeholder', '<<vlan-gw>>', 2],
    ['routes-placeholder', '<<vlan-gw>>', 3],
    ['routes-placeholder', '<<vlan-net>>', 4],
    ['routes-placeholder', '<<site-net>>', 5],
    ['routes-placeholder', '<<site-netmask>>', 5],
    ['routes-placeholder', '<<vlan-gw>>', 5],
  ]);
  assert.deepEqual(ds[0].range, { start: { line: 2, character: 18 }, end: { line: 2, character: 30 } });
  assert.ok(ds.every((d) => d.severity === 'error' && /unfilled template placeholder/.test(d.message)));
});

test('routes-syntax: phases, commands, actions, options and arguments, with fixes where the intent is clear', () => {
  const text = [
    'route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1',
    'upp route add default gw 192.168.122.1',
    'up rout add default gw 192.168.122.1',
    'up ip rote add 10.0.0.0/8 via 192.168.122.1',
    'up route ad default gw 192.168.122.1',
    'up route add -net 10.0.0.0 netmsk 255.0.0.0',
    'up route add gw 192.168.122.1',
    'up route add -net',
    'up route add -net 10.0.0.0/8 metric x dev "eth0"',
    'up route add -net 10.0.0.0/8 dev eth0 # to the lab',
    'up route add -host 10.1.1.1 netmask 255.255.255.0',
    'up ip route add 10.0.0.0/8 via 192.168.122.1 via 192.168.122.2',
    'up',
  ].join('\n');
  const ds = routesDiagnostics(text, network).filter((d) => d.code === 'routes-syntax');
  assert.deepEqual(rows(text, ds), [
    ['routes-syntax', 'route', 0],
    ['routes-syntax', 'upp', 1],
    ['routes-syntax', 'rout', 2],
    ['routes-syntax', 'rote', 3],
    ['routes-syntax', 'ad', 4],
    ['routes-syntax', 'netmsk', 5],
    ['routes-syntax', '255.0.0.0', 5],
    ['routes-syntax', 'gw', 6],
    ['routes-syntax', '-net', 7],
    ['routes-syntax', 'x', 8],
    ['routes-syntax', '"eth0"', 8],
    ['routes-syntax', '# to the lab', 9],
    ['routes-syntax', 'netmask 255.255.255.0', 10],
    ['routes-syntax', 'via', 11],
    ['routes-syntax', 'up', 12],
  ]);
  const fixed = (i: number) => applyEdits(text, ds[i].fixes![0].edits).split('\n');
  assert.equal(fixed(0)[0], 'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1');
  assert.equal(fixed(1)[1], 'up route add default gw 192.168.122.1');
  assert.equal(fixed(2)[2], 'up route add default gw 192.168.122.1');
  assert.equal(fixed(3)[3], 'up ip route add 10.0.0.0/8 via 192.168.122.1');
  assert.equal(fixed(4)[4], 'up route add default gw 192.168.122.1');
  assert.equal(fixed(5)[5], 'up route add -net 10.0.0.0 netmask 255.0.0.0');
  assert.equal(fixed(11)[9], 'up route add -net 10.0.0.0/8 dev eth0');
  assert.match(ds[11].message, /no end-of-line comments/);
});

test('routes-invalid-ipv4: destination, gateway and host addresses', () => {
  const text = 'up route add -net 10.0.0 netmask 255.0.0.0 gw 192.168.122.1\nup ip route add 10.0.0.0/8 via 192.168.122.300\nup route add -host 10.0.0.256\n';
  assert.deepEqual(rows(text, routesDiagnostics(text, network)), [
    ['routes-invalid-ipv4', '10.0.0', 0],
    ['routes-invalid-ipv4', '192.168.122.300', 1],
    ['routes-invalid-ipv4', '10.0.0.256', 2],
  ]);
});

test('routes-invalid-netmask: not contiguous, prefix form (with a fix), bad prefix length', () => {
  const text = 'up route add -net 10.0.0.0 netmask 255.0.255.0 gw 192.168.122.1\nup route add -net 10.0.0.0 netmask 8 gw 192.168.122.1\nup ip route add 10.0.0.0/33 via 192.168.122.1\n';
  const ds = routesDiagnostics(text, network);
  assert.deepEqual(rows(text, ds), [
    ['routes-invalid-netmask', '255.0.255.0', 0],
    ['routes-invalid-netmask', '8', 1],
    ['routes-invalid-netmask', '/33', 2],
  ]);
  assert.deepEqual(ds[0].range, { start: { line: 0, character: 35 }, end: { line: 0, character: 46 } });
  assert.equal(applyEdits(text, ds[1].fixes![0].edits).split('\n')[1], 'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1');
});

test('routes-network-misaligned: host bits set for the mask, with a fix', () => {
  const text = 'up route add -net 10.1.2.3 netmask 255.255.0.0 gw 192.168.122.1\nup ip route add 172.16.5.0/12 via 192.168.122.1\n';
  const ds = routesDiagnostics(text, network);
  assert.deepEqual(rows(text, ds), [
    ['routes-network-misaligned', '10.1.2.3', 0],
    ['routes-network-misaligned', '172.16.5.0', 1],
  ]);
  assert.deepEqual(ds[0].range, { start: { line: 0, character: 18 }, end: { line: 0, character: 26 } });
  assert.match(ds[0].message, /the network is 10\.1\.0\.0/);
  assert.equal(applyEdits(text, [...ds[0].fixes![0].edits, ...ds[1].fixes![0].edits]), 'up route add -net 10.1.0.0 netmask 255.255.0.0 gw 192.168.122.1\nup ip route add 172.16.0.0/12 via 192.168.122.1\n');
});

test('routes-gateway-unreachable: outside the VM network and every on-link route', () => {
  const text = 'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.1.1\nup ip route add 172.16.0.0/12 via 10.9.9.9 dev eth0\n';
  const ds = routesDiagnostics(text, network);
  assert.deepEqual(rows(text, ds), [
    ['routes-gateway-unreachable', '192.168.1.1', 0],
    ['routes-gateway-unreachable', '10.9.9.9', 1],
  ]);
  assert.equal(ds[0].severity, 'warning');
  assert.match(ds[0].message, /192\.168\.122\.0\/24/);
  // Without a known VM network nothing can be said.
  assert.deepEqual(routesDiagnostics(text, undefined), []);
});

test('routes-duplicate: the same route twice (up and post-up run together), with a fix', () => {
  const text = 'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1\npost-up route add -net 10.0.0.0/8 gw 192.168.122.1\ndown route del -net 10.0.0.0/8 gw 192.168.122.1\n';
  const d = only(routesDiagnostics(text, network, '/p/context/common/routes'), 'routes-duplicate');
  assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 50 } });
  assert.equal(d.related![0].file, '/p/context/common/routes');
  assert.equal(d.related![0].range.start.line, 0);
  assert.equal(applyEdits(text, d.fixes![0].edits), 'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1\ndown route del -net 10.0.0.0/8 gw 192.168.122.1\n');
});

test('ranges are exact with CRLF and tabs', () => {
  const text = '# x\r\n\tup  route add -net 10.1.2.3 netmask 255.255.0.0 gw 192.168.122.1\r\n';
  const d = only(routesDiagnostics(text, network), 'routes-network-misaligned');
  assert.equal(covered(text, d.range), '10.1.2.3');
  assert.deepEqual(d.range.start, { line: 1, character: 20 });
});

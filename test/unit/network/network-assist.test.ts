import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkCompletions } from '../../../src/core/network/networkCompletion';
import { networkHover } from '../../../src/core/network/networkHover';
import { routesCompletions } from '../../../src/core/network/routesCompletion';
import { routesHover } from '../../../src/core/network/routesHover';
import { readNetworkSettings } from '../../../src/core/network/networkFile';
import { covered } from './helpers';

const networkText = 'NETWORK=192.168.122.0\nNETMASK=255.255.255.0\nGATEWAY=192.168.122.1\nNAMESERVER="192.168.122.1 9.9.9.9"\n';
const network = readNetworkSettings(networkText);
const at = (line: number, character: number) => ({ line, character });

test('network completion: keys not yet set, with schema docs and a computed value', () => {
  const text = networkText + 'BRO';
  const items = networkCompletions(text, at(4, 3));
  assert.deepEqual(items.map((i) => i.label), ['BROADCAST', 'DOMAIN', 'SEARCH']);
  const b = items[0];
  assert.equal(b.kind, 'property');
  assert.equal(covered(text, b.range), 'BRO');
  assert.equal(b.insertText, 'BROADCAST=${1:192.168.122.255}');
  assert.ok(b.snippet);
  assert.match(b.documentation!, /NETWORK OR NOT NETMASK/);
  // On the line of an existing key, that key is offered too (to rename it).
  assert.ok(networkCompletions(networkText, at(0, 3)).some((i) => i.label === 'NETWORK'));
});

test('network completion: values computed from the file, and the usual netmasks', () => {
  const text = 'NETMASK=255.255.255.0\nGATEWAY=10.1.2.1\nNETWORK=';
  const items = networkCompletions(text, at(2, 8));
  assert.deepEqual(items.map((i) => i.label), ['10.1.2.0']);
  const masks = networkCompletions('NETMASK=255.255.2', at(0, 17));
  assert.ok(masks.some((i) => i.label === '255.255.255.0' && i.detail === '/24, 254 hosts'));
  assert.equal(covered('NETMASK=255.255.2', masks[0].range), '255.255.2');
  assert.deepEqual(networkCompletions('# comment', at(0, 5)), []);
});

test('network hover: key docs; an address shows its network, prefix and whether it is inside; a netmask its prefix', () => {
  const key = networkHover(networkText, at(0, 3))!;
  assert.match(key.markdown, /^\*\*NETWORK\*\*/);
  assert.match(key.markdown, /Required/);
  assert.equal(covered(networkText, key.range), 'NETWORK');
  const gw = networkHover(networkText, at(2, 12))!;
  assert.equal(covered(networkText, gw.range), '192.168.122.1');
  assert.match(gw.markdown, /network: `192\.168\.122\.0\/24` \(prefix length 24/);
  assert.match(gw.markdown, /inside the VM network `192\.168\.122\.0\/24`/);
  const mask = networkHover(networkText, at(1, 10))!;
  assert.match(mask.markdown, /`\/24`/);
  assert.match(mask.markdown, /prefix length 24/);
  const outside = networkHover(networkText, at(3, 28))!;
  assert.equal(covered(networkText, outside.range), '9.9.9.9');
  assert.match(outside.markdown, /\*\*outside\*\* the VM network/);
});

test('routes completion follows the grammar', () => {
  const labels = (text: string, character = text.length) => routesCompletions(text, at(0, character), network).map((i) => i.label);
  assert.deepEqual(labels('').slice(0, 6), ['up', 'post-up', 'pre-up', 'down', 'pre-down', 'post-down']);
  assert.ok(routesCompletions('', at(0, 0), network).some((i) => i.kind === 'snippet' && i.insertText.includes('gw ${3:192.168.122.1}')));
  assert.deepEqual(labels('up '), ['route', 'ip']);
  assert.deepEqual(labels('up ip '), ['route']);
  assert.deepEqual(labels('up ip route '), ['add', 'del']);
  assert.deepEqual(labels('up route add '), ['-net', '-host', 'default']);
  assert.deepEqual(labels('up route add -net 10.0.0.0 '), ['netmask', 'gw', 'metric', 'dev']);
  assert.deepEqual(labels('up route add -net 10.0.0.0 netmask 255.0.0.0 '), ['gw', 'metric', 'dev']);
  assert.deepEqual(labels('up route add -net 10.0.0.0 gw '), ['192.168.122.1']);
  assert.deepEqual(labels('up ip route add 10.0.0.0/8 via 192.168.122.1 d'), ['dev', 'metric']);
  assert.ok(labels('up route add -net 10.0.0.0 netmask ').includes('255.255.0.0'));
  const partial = routesCompletions('up ro', at(0, 5), network);
  assert.equal(covered('up ro', partial[0].range), 'ro');
  assert.deepEqual(labels('# up '), []);
});

test('routes hover: keywords from the schema; destinations, gateways and netmasks described', () => {
  const text = 'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1 dev eth0\nup ip route add 192.168.122.128/25 via 192.168.1.1\nup route add -net <<vlan-net>> dev eth0';
  const word = (line: number, character: number) => routesHover(text, at(line, character), network)!;
  assert.match(word(0, 0).markdown, /after the interface is brought up/);
  assert.match(word(0, 5).markdown, /route\(8\)/);
  assert.match(word(0, 14).markdown, /destination is a network/);
  const dest = word(0, 20);
  assert.equal(covered(text, dest.range), '10.0.0.0');
  assert.match(dest.markdown, /\*\*10\.0\.0\.0\/8\*\*/);
  assert.match(dest.markdown, /prefix length 8/);
  assert.match(dest.markdown, /16,777,216 addresses/);
  assert.match(dest.markdown, /outside the VM network/);
  assert.match(word(0, 38).markdown, /`\/8`/);
  assert.match(word(0, 46).markdown, /gateway/);
  assert.match(word(0, 52).markdown, /inside the VM network/);
  assert.match(word(1, 20).markdown, /inside the VM network `192\.168\.122\.0\/24`/);
  assert.match(word(1, 45).markdown, /\*\*outside\*\* the VM network/);
  assert.match(word(2, 22).markdown, /unfilled template placeholder/);
  assert.equal(routesHover(text, at(0, 2), network)!.range.start.character, 0);
});

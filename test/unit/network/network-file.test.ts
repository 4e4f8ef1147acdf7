import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listItems, parseNetworkFile, readNetworkSettings } from '../../../src/core/network/networkFile';
import { parseIPv4 } from '../../../src/core/network/ipv4';

test('values are read as a shell reads them: quotes, escapes, export, ;, comments, continuations', () => {
  const text = [
    "export NETWORK='192.168.122.0' # comment",
    'NETMASK="255.255."255.0; GATEWAY=192.168.122.\\1',
    'DOMAIN=a\\ b#not-a-comment',
    'SEARCH="x \\"y\\" \\$z"',
    'NAMESERVER=1.1.1.1\\',
    '.2',
    'export DOMAIN',
  ].join('\n');
  const f = parseNetworkFile(text);
  assert.deepEqual(f.errors, []);
  assert.deepEqual(
    f.assignments.map((a) => [a.key, a.value, a.exported]),
    [
      ['NETWORK', '192.168.122.0', true],
      ['NETMASK', '255.255.255.0', false],
      ['GATEWAY', '192.168.122.1', false],
      ['DOMAIN', 'a b#not-a-comment', false],
      ['SEARCH', 'x "y" $z', false],
      ['NAMESERVER', '1.1.1.1.2', false],
    ],
  );
  const [network] = f.assignments;
  assert.equal(text.slice(network.keyStart, network.keyEnd), 'NETWORK');
  assert.equal(text.slice(network.valueStart, network.valueEnd), "'192.168.122.0'");
});

test('list items map back to their source offsets through quotes', () => {
  const text = 'NAMESERVER="  10.0.0.1   10.0.0.2"';
  const [a] = parseNetworkFile(text).assignments;
  assert.deepEqual(listItems(a).map((i) => text.slice(i.start, i.end)), ['10.0.0.1', '10.0.0.2']);
});

test('settings: the last assignment wins; lists split on blanks', () => {
  const s = readNetworkSettings('NETWORK=10.0.0.0\nNETWORK=192.168.122.0\nNETMASK=255.255.255.0\nNAMESERVER="1.1.1.1 bad 9.9.9.9"\nSEARCH="a b"\nDOMAIN=x.y\n');
  assert.equal(s.network, parseIPv4('192.168.122.0'));
  assert.equal(s.netmask, parseIPv4('255.255.255.0'));
  assert.equal(s.gateway, undefined);
  assert.deepEqual(s.nameservers, [parseIPv4('1.1.1.1'), parseIPv4('9.9.9.9')]);
  assert.deepEqual(s.search, ['a', 'b']);
  assert.equal(s.domain, 'x.y');
});

test('a special parameter, ${VAR:-x}, arithmetic and a lone ; are errors', () => {
  const text = 'A=$1\nB=${A:-x}\nC=$((1+1))\n;\nD=$\n';
  const f = parseNetworkFile(text);
  assert.deepEqual(
    f.errors.map((e) => text.slice(e.start, e.end)),
    ['$1', '${A:-x}', '$((1+1))', ';'],
  );
  assert.equal(f.assignments.find((a) => a.key === 'D')!.value, '$');
});

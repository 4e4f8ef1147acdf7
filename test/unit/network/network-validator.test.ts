import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { networkDiagnostics } from '../../../src/core/validation/network/networkValidator';
import { exampleProject } from '../helpers/tempProject';
import { applyEdits, covered, only, rows } from './helpers';

const clean = `# the guests' network
NETWORK=192.168.122.0
NETMASK=255.255.255.0
BROADCAST=192.168.122.255
export GATEWAY='192.168.122.1'
NAMESERVER="192.168.122.1 9.9.9.9"
DOMAIN=cluster.example
SEARCH="cluster.example example"   # trailing comment
`;

test('a clean file has no diagnostic; so does the example project', () => {
  assert.deepEqual(networkDiagnostics(clean), []);
  const example = readFileSync(path.join(exampleProject, 'context/common/network'), 'utf8');
  assert.deepEqual(networkDiagnostics(example), []);
});

test('network-syntax: spaces around =, with a fix that removes them', () => {
  const text = clean.replace('NETMASK=255', 'NETMASK = 255');
  const d = only(networkDiagnostics(text), 'network-syntax');
  assert.equal(covered(text, d.range), ' = ');
  assert.deepEqual(d.range, { start: { line: 2, character: 7 }, end: { line: 2, character: 10 } });
  assert.equal(d.severity, 'error');
  assert.equal(applyEdits(text, d.fixes![0].edits), clean);
});

test('network-syntax: a space after = runs the value as a command', () => {
  const text = clean.replace('DOMAIN=cluster', 'DOMAIN= cluster');
  const d = only(networkDiagnostics(text), 'network-syntax');
  assert.deepEqual(d.range, { start: { line: 6, character: 7 }, end: { line: 6, character: 8 } });
  assert.equal(applyEdits(text, d.fixes![0].edits), clean);
});

test('network-syntax: command substitution, backticks, unbalanced quotes, commands, operators', () => {
  const text = 'NETWORK=192.168.122.0\nNETMASK=255.255.255.0\nGATEWAY=$(ip route | cut -d" " -f3)\nDOMAIN=`hostname -d`\nSEARCH="a b\nrm -rf /tmp/x\nNAMESERVER=1.1.1.1 9.9.9.9\nBROADCAST=192.168.122.255|x\n';
  const ds = networkDiagnostics(text).filter((d) => d.code === 'network-syntax');
  assert.deepEqual(
    ds.map((d) => [covered(text, d.range), d.range.start.line]),
    [
      ['$(ip route | cut -d" " -f3)', 2],
      ['`hostname -d`', 3],
      ['"a b', 4],
      ['rm -rf /tmp/x', 5],
      ['9.9.9.9', 6],
      ['|', 7],
    ],
  );
  assert.match(ds[0].message, /command substitution/);
  assert.match(ds[2].message, /unbalanced quote/);
  assert.match(ds[3].message, /not a KEY=VALUE assignment/);
});

test('network-syntax: $NAME of an earlier key expands; an unknown one is reported', () => {
  const text = 'NETWORK=192.168.122.0\nNETMASK=255.255.255.0\nGATEWAY=192.168.122.1\nNAMESERVER="$GATEWAY ${GATEWAY}"\nDOMAIN=$HOSTDOMAIN\n';
  assert.deepEqual(rows(text, networkDiagnostics(text)), [
    ['network-syntax', '$HOSTDOMAIN', 4],
  ]);
});

test('network-unknown-key: did you mean, with a fix', () => {
  const text = clean.replace('GATEWAY=', 'GATWAY=');
  const ds = networkDiagnostics(text);
  const d = only(ds, 'network-unknown-key');
  assert.equal(covered(text, d.range), 'GATWAY');
  assert.deepEqual(d.range, { start: { line: 4, character: 7 }, end: { line: 4, character: 13 } });
  assert.match(d.message, /did you mean GATEWAY\?/);
  assert.equal(d.severity, 'warning');
  assert.equal(applyEdits(text, d.fixes![0].edits), clean);
  assert.ok(d.fixes![0].preferred);
  // GATEWAY is then missing, and with NETWORK and NETMASK known its fix adds the first host.
  const missing = only(ds, 'network-missing-key');
  assert.match(missing.message, /GATEWAY/);
  assert.match(missing.fixes![0].title, /GATEWAY=192\.168\.122\.1/);
  // A lowercase key is suggested too; nothing close gives no fix.
  const lower = networkDiagnostics(clean + 'netmask=255.255.255.0\nFOO=1\n').filter((x) => x.code === 'network-unknown-key');
  assert.match(lower[0].message, /did you mean NETMASK/);
  assert.equal(lower[1].fixes, undefined);
});

test('network-duplicate-key: on the second key, related to the first, fix removes the line', () => {
  const text = clean + 'NETWORK=192.168.122.0\n';
  const d = only(networkDiagnostics(text, '/p/context/common/network'), 'network-duplicate-key');
  assert.deepEqual(d.range, { start: { line: 8, character: 0 }, end: { line: 8, character: 7 } });
  assert.equal(d.related![0].file, '/p/context/common/network');
  assert.deepEqual(d.related![0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } });
  assert.equal(applyEdits(text, d.fixes![0].edits), clean);
});

test('network-missing-key: each required key, at the start of the file; the fix computes NETWORK', () => {
  const text = 'NETMASK=255.255.255.0\nGATEWAY=192.168.122.1';
  const d = only(networkDiagnostics(text), 'network-missing-key');
  assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  assert.match(d.message, /^NETWORK is missing/);
  assert.equal(applyEdits(text, d.fixes![0].edits), text + '\nNETWORK=192.168.122.0\n');
  const none = networkDiagnostics('# empty\n');
  assert.deepEqual(
    none.map((x) => x.message.split(' ')[0]),
    ['NETWORK', 'NETMASK', 'GATEWAY'],
  );
  assert.ok(none.every((x) => x.code === 'network-missing-key' && x.fixes === undefined));
});

test('network-invalid-ipv4: the value, or each bad address of a list', () => {
  const text = clean.replace('GATEWAY=\'192.168.122.1\'', 'GATEWAY=192.168.122.256').replace('"192.168.122.1 9.9.9.9"', '"192.168.122.1,8.8.8.8 9.9.9"');
  assert.deepEqual(rows(text, networkDiagnostics(text)), [
    ['network-invalid-ipv4', '192.168.122.256', 4],
    ['network-invalid-ipv4', '192.168.122.1,8.8.8.8', 5],
    ['network-invalid-ipv4', '9.9.9', 5],
  ]);
  const d = networkDiagnostics(text)[1];
  assert.match(d.message, /not commas/);
  const cidr = 'NETWORK=192.168.122.0/24\nNETMASK=255.255.255.0\nGATEWAY=192.168.122.1\n';
  const c = only(networkDiagnostics(cidr), 'network-invalid-ipv4');
  assert.equal(covered(cidr, c.range), '192.168.122.0/24');
  assert.match(c.message, /NETMASK \(255\.255\.255\.0\)/);
});

test('network-invalid-netmask: not contiguous, not dotted (with a fix to the dotted form)', () => {
  const gaps = clean.replace('NETMASK=255.255.255.0', 'NETMASK=255.0.255.0');
  const d = only(networkDiagnostics(gaps), 'network-invalid-netmask');
  assert.deepEqual(d.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 19 } });
  assert.match(d.message, /not contiguous/);
  const slash = clean.replace('NETMASK=255.255.255.0', 'NETMASK=/24');
  const s = only(networkDiagnostics(slash), 'network-invalid-netmask');
  assert.equal(covered(slash, s.range), '/24');
  assert.equal(applyEdits(slash, s.fixes![0].edits), clean);
  const quoted = clean.replace('NETMASK=255.255.255.0', 'NETMASK="24"');
  const q = only(networkDiagnostics(quoted), 'network-invalid-netmask');
  assert.equal(covered(quoted, q.range), '"24"');
  assert.equal(applyEdits(quoted, q.fixes![0].edits), clean);
  assert.equal(only(networkDiagnostics(clean.replace('255.255.255.0', 'bogus')), 'network-invalid-netmask').message, 'NETMASK must be a dotted netmask such as 255.255.255.0, not "bogus"');
});

test('network-inconsistent: NETWORK is not GATEWAY AND NETMASK; the fix computes it', () => {
  const text = clean.replace('NETWORK=192.168.122.0', 'NETWORK=192.168.122.7');
  const d = only(networkDiagnostics(text), 'network-inconsistent');
  assert.deepEqual(d.range, { start: { line: 1, character: 8 }, end: { line: 1, character: 21 } });
  assert.match(d.message, /GATEWAY 192\.168\.122\.1 AND NETMASK 255\.255\.255\.0 is 192\.168\.122\.0/);
  assert.equal(applyEdits(text, d.fixes![0].edits), clean);
});

test('network-inconsistent: BROADCAST is not NETWORK OR NOT NETMASK; the fix computes it', () => {
  const text = clean.replace('BROADCAST=192.168.122.255', 'BROADCAST=192.168.255.255');
  const d = only(networkDiagnostics(text), 'network-inconsistent');
  assert.equal(covered(text, d.range), '192.168.255.255');
  assert.equal(d.range.start.line, 3);
  assert.equal(applyEdits(text, d.fixes![0].edits), clean);
});

test('network-gateway-outside: a gateway in another network, or the network address itself', () => {
  const text = clean.replace("'192.168.122.1'", '10.0.0.1');
  const ds = networkDiagnostics(text);
  const d = only(ds, 'network-gateway-outside');
  assert.deepEqual(d.range, { start: { line: 4, character: 15 }, end: { line: 4, character: 23 } });
  assert.match(d.message, /outside the guests' network 192\.168\.122\.0\/24/);
  assert.equal(applyEdits(text, d.fixes![0].edits), clean.replace("'192.168.122.1'", '192.168.122.1'));
  // NETWORK no longer matches GATEWAY AND NETMASK either: both lines carry a fix.
  assert.match(only(ds, 'network-inconsistent').fixes![0].title, /Set NETWORK to 10\.0\.0\.0/);
  const net = clean.replace("'192.168.122.1'", '192.168.122.0');
  assert.match(only(networkDiagnostics(net), 'network-gateway-outside').message, /network address/);
  const bcast = clean.replace("'192.168.122.1'", '192.168.122.255');
  assert.match(only(networkDiagnostics(bcast), 'network-gateway-outside').message, /broadcast address/);
});

test('network-empty-value: a warning on KEY=', () => {
  const text = clean.replace('DOMAIN=cluster.example', 'DOMAIN=').replace('NETWORK=192.168.122.0', "NETWORK=''");
  assert.deepEqual(rows(text, networkDiagnostics(text)), [
    ['network-empty-value', "NETWORK=''", 1],
    ['network-empty-value', 'DOMAIN=', 6],
  ]);
  assert.ok(networkDiagnostics(text).every((d) => d.severity === 'warning'));
});

test('network-invalid-domain: DOMAIN and SEARCH take domain names', () => {
  const text = clean.replace('SEARCH="cluster.example example"', 'SEARCH="cluster.example bad_name"');
  assert.deepEqual(rows(text, networkDiagnostics(text)), [['network-invalid-domain', 'bad_name', 7]]);
});

test('CRLF line ends give the same ranges', () => {
  const text = clean.replace('NETMASK=255.255.255.0', 'NETMASK=255.0.255.0').replace(/\n/g, '\r\n');
  const d = only(networkDiagnostics(text), 'network-invalid-netmask');
  assert.deepEqual(d.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 19 } });
});

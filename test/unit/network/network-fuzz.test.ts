// Random and mutated lines never make the parsers, validators, completion or hover throw,
// and every range they return lies inside the text. Seeded, so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Range } from '../../../src/core/common/diagnostic';
import { LineIndex } from '../../../src/core/common/text';
import { networkDiagnostics } from '../../../src/core/validation/network/networkValidator';
import { routesDiagnostics } from '../../../src/core/validation/routes/routesValidator';
import { readNetworkSettings } from '../../../src/core/network/networkFile';
import { networkCompletions } from '../../../src/core/network/networkCompletion';
import { networkHover } from '../../../src/core/network/networkHover';
import { routesCompletions } from '../../../src/core/network/routesCompletion';
import { routesHover } from '../../../src/core/network/routesHover';
import { seededRandom as prng } from '../helpers/random';


const networkLines = [
  'NETWORK=192.168.122.0',
  'NETMASK=255.255.255.0',
  "export GATEWAY='192.168.122.1'",
  'BROADCAST="192.168.122.255" # x',
  'NAMESERVER="192.168.122.1 9.9.9.9"',
  'DOMAIN=cluster.example; SEARCH="a b"',
  'X=$NETWORK ${NETMASK} $(id) `id` "\\$ \\" \\\\"',
];
const routesLines = [
  'up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1 dev eth0',
  'post-up ip route add 172.16.0.0/12 via 192.168.122.1 dev eth0 metric 3',
  'down route del default gw 192.168.122.1',
  'up route add -host 10.0.0.1 gw <<vlan-gw>>',
  'up ip route add <<vlan-net>>/18 dev eth0 # c',
];
const fragments = ['=', ' ', '\t', '"', "'", '\\', '$', '(', ')', '{', '}', '`', '#', ';', '|', '&', '<<', '>>', '/', '.', '-', '0', '255', '999', 'export', 'NETWORK', 'up', 'route', 'ip', 'add', 'del', '-net', '-host', 'default', 'netmask', 'gw', 'via', 'dev', 'metric', '\r\n', '\n', '\r', 'é', '\u{1F600}', '\0'];

function randomLine(rand: () => number): string {
  let s = '';
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) s += rand() < 0.7 ? fragments[Math.floor(rand() * fragments.length)] : String.fromCharCode(32 + Math.floor(rand() * 95));
  return s;
}

function mutate(line: string, rand: () => number): string {
  let s = line;
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (s.length + 1));
    const op = rand();
    if (op < 0.33) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 4));
    else if (op < 0.66) s = s.slice(0, at) + fragments[Math.floor(rand() * fragments.length)] + s.slice(at);
    else s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + s.slice(at + 1);
  }
  return s;
}

function assertInside(text: string, r: Range, what: string): void {
  const lines = new LineIndex(text);
  const ok = (p: Range['start']) => p.line >= 0 && p.line < lines.lineCount && p.character >= 0 && p.character <= lines.lineText(p.line).length;
  assert.ok(ok(r.start) && ok(r.end), `${what}: range ${JSON.stringify(r)} outside ${JSON.stringify(text)}`);
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: reversed range`);
}

function fuzz(seed: number, base: string[], check: (text: string, rand: () => number) => void): number {
  const rand = prng(seed);
  let lines = 0;
  while (lines < 10_000) {
    const file: string[] = [];
    const n = 1 + Math.floor(rand() * 20);
    for (let i = 0; i < n; i++) {
      const r = rand();
      file.push(r < 0.4 ? randomLine(rand) : r < 0.9 ? mutate(base[Math.floor(rand() * base.length)], rand) : base[Math.floor(rand() * base.length)]);
    }
    lines += n;
    check(file.join(rand() < 0.8 ? '\n' : '\r\n'), rand);
  }
  return lines;
}

function randomPosition(text: string, rand: () => number) {
  const lines = new LineIndex(text);
  const line = Math.floor(rand() * lines.lineCount);
  return { line, character: Math.floor(rand() * (lines.lineText(line).length + 1)) };
}

test('common/network: 10,000 random and mutated lines never throw; ranges stay inside', () => {
  const lines = fuzz(0x5eed, networkLines, (text, rand) => {
    for (const d of networkDiagnostics(text)) {
      assertInside(text, d.range, d.code);
      for (const f of d.fixes ?? []) for (const e of f.edits) assertInside(text, e.range, `${d.code} fix`);
    }
    const at = randomPosition(text, rand);
    for (const c of networkCompletions(text, at)) assertInside(text, c.range, 'completion');
    const h = networkHover(text, at);
    if (h) assertInside(text, h.range, 'hover');
  });
  assert.ok(lines >= 10_000);
});

test('common/routes: 10,000 random and mutated lines never throw; ranges stay inside', () => {
  const network = readNetworkSettings('NETWORK=192.168.122.0\nNETMASK=255.255.255.0\nGATEWAY=192.168.122.1\n');
  const lines = fuzz(0xc0ffee, routesLines, (text, rand) => {
    for (const d of routesDiagnostics(text, network)) {
      assertInside(text, d.range, d.code);
      for (const f of d.fixes ?? []) for (const e of f.edits) assertInside(text, e.range, `${d.code} fix`);
    }
    const at = randomPosition(text, rand);
    for (const c of routesCompletions(text, at, network)) assertInside(text, c.range, 'completion');
    const h = routesHover(text, at, network);
    if (h) assertInside(text, h.range, 'hover');
  });
  assert.ok(lines >= 10_000);
});

// `vmctx check --format json` of a generated fleet of 240 templates with problems of every kind
// the per-template work reports (duplicate names, UUIDs, MACs and MAC-encoded addresses, names
// that move an overlay out of its folder, a byte that is not UTF-8, a schema error, an address
// outside the network), compared with the output the code before the speed-ups of issue #16
// (loader, descriptions, output conflicts) printed for the same project: test/fixtures/check-many/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { remove, repoRoot, tempDir, writeTree } from '../helpers/tempProject';

const FIXTURE = path.join(repoRoot, 'test/fixtures/check-many/expected.json');
const example = readFileSync(path.join(repoRoot, 'examples/snooze-cluster/templates/debian1.xml'), 'utf8');
const COUNT = 240;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** 00:16 then the IPv4 address 192.168.(122 + i / 250).(2 + i % 250), as the example's MACs. */
const macOf = (i: number) => `00:16:c0:a8:${hex(122 + Math.floor(i / 250), 2)}:${hex(2 + (i % 250), 2)}`;

/** Template i: the example renamed, with a problem when i says so. */
function template(i: number): string | Uint8Array {
  let name = `vm${i}`;
  let uuid = `7092c347-9628-4238-87dc-${hex(i, 12)}`;
  let mac = macOf(i);
  if (i % 10 === 3) name = `vm${i - 1}`; // the same name as the template before
  if (i % 17 === 5) uuid = `7092c347-9628-4238-87dc-${hex(i - 1, 12).toUpperCase()}`; // the same UUID, in capitals
  if (i % 13 === 7) mac = macOf(i - 2).toUpperCase(); // the same MAC
  if (i % 29 === 11) name = `../vm${i}`; // its overlay would leave build/overlays
  if (i % 41 === 9) mac = '00:16:0a:00:00:05'; // 10.0.0.5, outside the project's network
  let text = example
    .replace('<name>debian1</name>', `<name>${name}</name>`)
    .replace(/<uuid>.*<\/uuid>/, `<uuid>${uuid}</uuid>`)
    .replace('/opt/cloud/debian1.qcow2', `/opt/cloud/vm${i}.qcow2`)
    .replace("<mac address='00:16:c0:a8:7a:11'/>", `<mac address='${mac}'/>`);
  // A second interface on every fifth; a duplicate of the first MAC within the template on some.
  if (i % 5 === 0) text = text.replace('    <serial', `    <interface type='bridge'>\n      <mac address='${i % 15 === 0 ? mac : macOf(i + 1000)}'/>\n      <source bridge='virbr0'/>\n    </interface>\n    <serial`);
  if (i % 53 === 20) text = text.replace("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static'>one</vcpu>"); // a schema error
  if (i % 61 === 30) return Buffer.concat([Buffer.from(text.replace('A contextualized', 'A contextualized \u0000')).subarray(0, 100), Buffer.from([0xc3, 0x28]), Buffer.from(text).subarray(100)]);
  return text;
}

function writeProject(dir: string): void {
  const files: Record<string, string | Uint8Array> = {
    'context/post-install': '#!/bin/sh\n',
    'context/common/network': 'NETWORK=192.168.122.0\nNETMASK=255.255.254.0\nGATEWAY=192.168.122.1\n',
    'vmcontext.json': JSON.stringify({ templates: ['templates/*.xml'], output: { iso: 'build/context.iso', overlays: 'build/overlays' }, remote: { directory: '/opt/cloud', bridge: 'virbr0' }, addressing: 'mac' }),
  };
  for (let i = 0; i < COUNT; i++) files[`templates/vm${String(i).padStart(3, '0')}.xml`] = template(i);
  writeTree(dir, files);
  // The bundled schema under libvirt's name: the same schema on every machine, libvirt installed or not.
  mkdirSync(path.join(dir, 'schemas'));
  copyFileSync(path.join(repoRoot, 'schemas/domain-template.rng'), path.join(dir, 'schemas/domain.rng'));
}

function check(dir: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'check', dir, '--format', 'json', '--libvirt-schemas', path.join(dir, 'schemas')], {
    encoding: 'utf8',
    env: { ...process.env, VMCTX_CODE_CACHE: 'off', ...env },
  });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 1);
  // A VM name that leaves its folder is shown with the overlay's whole path.
  return r.stdout.split(dir).join('<project>');
}

test(`vmctx check --format json of ${COUNT} templates says what it said before the speed-ups, on 1 and 2 threads`, () => {
  assert.ok(existsSync(path.join(repoRoot, 'dist/cli.js')), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const dir = tempDir('vmctx-check-many-');
  try {
    writeProject(dir);
    const out = check(dir, { VMCTX_THREADS: '1' });
    if (process.env.VMCTX_WRITE_FIXTURE) writeFileSync(FIXTURE, out);
    const diagnostics = (JSON.parse(out) as { diagnostics: Array<{ code: string }> }).diagnostics;
    // Every kind of problem the project was made with is there.
    const codes = new Set(diagnostics.map((d) => d.code));
    for (const code of ['domain-name-duplicate', 'domain-uuid-duplicate', 'domain-mac-duplicate', 'domain-mac-ip-outside-network', 'output-path-conflict', 'xml-not-utf8', 'libvirt-schema']) assert.ok(codes.has(code), `no ${code} in ${[...codes].join(', ')}`);
    assert.ok(diagnostics.length > 100, `${diagnostics.length} diagnostics`);
    assert.equal(out, readFileSync(FIXTURE, 'utf8'));
    assert.equal(check(dir, { VMCTX_THREADS: '2' }), out);
  } finally {
    remove(dir);
  }
});

// `vmctx check` on a NoCloud project, as users run it: the bundled dist/cli.js (npm test builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { remove, repoRoot, tempDir } from '../helpers/tempProject';
import { requireDistCli, vmctxProcess } from '../helpers/cli';

const example = path.join(repoRoot, 'examples/nocloud-cluster');
const vmctx = (...args: string[]) => vmctxProcess(args);

requireDistCli();

test('vmctx check examples/nocloud-cluster exits 0 with nothing to report', () => {
  const r = vmctx('check', example);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'checked 7 files: no problems\n');
  assert.equal(r.code, 0);
  const json = vmctx('check', example, '--format', 'json');
  assert.deepEqual(JSON.parse(json.stdout), { diagnostics: [] });
});

test('a broken copy reports its cloud-init problems as file:line:column lines and in JSON, exit 1', () => {
  const dir = tempDir();
  try {
    cpSync(example, dir, { recursive: true });
    const userData = path.join(dir, 'cloud-init/user-data');
    writeFileSync(userData, readFileSync(userData, 'utf8').replace('#cloud-config', '#cloud-conifg'));
    const net = path.join(dir, 'cloud-init/web2/network-config');
    writeFileSync(net, readFileSync(net, 'utf8').replace('addresses:', 'adresses:'));
    const r = vmctx('check', dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^cloud-init\/user-data:1:1: error cloudinit-userdata-header: unknown user-data header '#cloud-conifg'; did you mean '#cloud-config'\?/m);
    assert.match(r.stdout, /^cloud-init\/web2\/network-config:8:5: error cloudinit-netplan-unknown-key: netplan does not know 'adresses' in ethernets\.lan; did you mean 'addresses'\?/m);
    const json = JSON.parse(vmctx('check', dir, '--format', 'json').stdout);
    const header = json.diagnostics.find((d: { code: string }) => d.code === 'cloudinit-userdata-header');
    assert.deepEqual({ ...header, message: undefined }, { file: 'cloud-init/user-data', line: 1, column: 1, endLine: 1, endColumn: 14, severity: 'error', code: 'cloudinit-userdata-header', message: undefined });
  } finally {
    remove(dir);
  }
});

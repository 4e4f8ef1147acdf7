// `npm test` (after `npm run build`): the layers in turn — unit (node:test), boot (node:test), remote (node:test), integration
// (mocha inside VS Code's extension host) and end-to-end (the workbench driven in Chromium).
// Every layer runs even when an earlier one failed; the log closes with one line per layer and
// the total, `N passed, N failed`. Exit 1 when any layer failed or ran nothing.
// VMCTX_TEST_LAYERS=unit,integration limits the layers (e.g. on a machine without Chromium).
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const layers = [
  { name: 'unit', args: ['scripts/run-unit-tests.mjs'], parse: nodeTestCounts },
  // The boot proof (test/boot): builds the example and boots it under QEMU and libvirt (root).
  // Then the real Debian 12 guest: NoCloud seeds built by vmctx build (nocloudBoot.test.ts, one boot
  // through vmctx deploy --start to libvirt) and the Snooze context.iso (snoozeGuestBoot.test.ts), under TCG.
  { name: 'boot', args: ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/boot/boot.test.ts', 'test/boot/nocloudBoot.test.ts', 'test/boot/snoozeGuestBoot.test.ts'], parse: nodeTestCounts },
  // Deploy to a real libvirt host over ssh (test/remote): sshd and libvirtd on 127.0.0.1 (root).
  { name: 'remote', args: ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/remote/remote.test.ts'], parse: nodeTestCounts },
  { name: 'integration', args: ['test/vscode-host/run-integration.mjs'], parse: plainCounts },
  { name: 'e2e', args: ['test/e2e/run.mjs'], parse: plainCounts },
  // The packaged VSIX installed into code-server as a user would, activating on the example.
  { name: 'package', args: ['test/e2e/vsix-install.mjs'], parse: plainCounts },
];
const wanted = (process.env.VMCTX_TEST_LAYERS ?? layers.map((l) => l.name).join(',')).split(',');

function nodeTestCounts(out) {
  const num = (k) => Number(new RegExp(`^\\S*\\s*${k} (\\d+)\\s*$`, 'm').exec(out)?.[1] ?? NaN);
  return { passed: num('pass'), failed: num('fail') };
}

function plainCounts(out) {
  const all = [...out.matchAll(/^(\d+) passed, (\d+) failed\s*$/gm)];
  const m = all.at(-1);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : { passed: NaN, failed: NaN };
}

function run(layer) {
  return new Promise((ok) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, layer.args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => ok({ code, out, seconds: (Date.now() - t0) / 1000 }));
  });
}

const summary = [];
let ok = true;
for (const layer of layers.filter((l) => wanted.includes(l.name))) {
  console.log(`\n===== ${layer.name} tests =====`);
  const r = await run(layer);
  let { passed, failed } = layer.parse(r.out);
  if (Number.isNaN(passed) || Number.isNaN(failed)) {
    // No count: the layer crashed before reporting; never count it as a pass.
    passed = 0;
    failed = 1;
  }
  if (r.code !== 0 && failed === 0) failed = 1;
  if (r.code !== 0 || failed > 0 || passed === 0) ok = false;
  summary.push({ name: layer.name, passed, failed, seconds: r.seconds, code: r.code });
}

console.log('\n===== summary =====');
for (const s of summary) console.log(`${s.name}: ${s.passed} passed, ${s.failed} failed  (${s.seconds.toFixed(0)} s${s.code ? `, exit ${s.code}` : ''})`);
const total = summary.reduce((a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed }), { passed: 0, failed: 0 });
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(ok ? 0 : 1);

// Hostile input and faults (issue #13): no output lands on data or inputs, no VM name escapes
// its folder or reads as a virsh option. In process through the CLI's main().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir } from '../image/helpers';
import { mk, vmctx } from './faultProject';
import { copyExampleWithBase } from '../helpers/cli';
import { domainAction, domainStatus, execaVirsh } from '../../../src/core/io/virsh';
import { UserError } from '../../../src/core/common/errors';

function setOutput(project: string, output: Record<string, string>): void {
  const file = join(project, 'vmcontext.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...m, output: { ...m.output, ...output } }, null, 2) + '\n');
}

/** Every file under `root` with its bytes, to prove a refused build wrote nothing. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name)).toString('base64'));
  }
  return out;
}

const OUTPUT_CASES: Array<{ output: Record<string, string>; message: RegExp }> = [
  { output: { iso: 'build/overlays/debian1.qcow2' }, message: /the ISO build\/overlays\/debian1\.qcow2 and the overlay of debian1 \(build\/overlays\/debian1\.qcow2\) are the same file/ },
  { output: { iso: 'context/common/network' }, message: /the ISO context\/common\/network lies inside the context folder context\// },
  { output: { iso: 'context/x.iso' }, message: /the ISO context\/x\.iso lies inside the context folder context\/: .*packed into the next ISO/ },
  { output: { iso: 'images/debian-base.raw' }, message: /the ISO images\/debian-base\.raw would overwrite the base image images\/debian-base\.raw/ },
  { output: { iso: 'templates/debian2.xml' }, message: /the ISO templates\/debian2\.xml would overwrite templates\/debian2\.xml/ },
  { output: { iso: 'vmcontext.json' }, message: /the ISO vmcontext\.json would overwrite vmcontext\.json/ },
  { output: { iso: 'templates' }, message: /the ISO templates is a folder holding templates\/debian1\.xml/ },
  { output: { overlays: 'context/overlays' }, message: /the overlays folder context\/overlays\/ lies inside the context folder context\// },
  { output: { overlays: 'images', iso: 'images/debian1.qcow2' }, message: /the ISO images\/debian1\.qcow2 and the overlay of debian1 \(images\/debian1\.qcow2\) are the same file/ },
];

for (const { output, message } of OUTPUT_CASES) {
  test(`output ${JSON.stringify(output)}: check reports output-path-conflict on the manifest, build refuses and writes nothing`, async () => {
    const { dir, project } = mk();
    try {
      // A first build with the default outputs: overlays and ISO exist (the data at stake).
      if (output.iso?.includes('overlays') || output.overlays) assert.equal((await vmctx(['build', project], dir)).code, 0);
      setOutput(project, output);
      const check = await vmctx(['check', project, '--format', 'json'], dir);
      assert.equal(check.code, 1, check.out);
      const diags = JSON.parse(check.out).diagnostics.filter((d: { code: string }) => d.code === 'output-path-conflict');
      assert.ok(diags.some((d: { message: string }) => message.test(d.message)), JSON.stringify(diags, null, 1));
      const manifestLines = readFileSync(join(project, 'vmcontext.json'), 'utf8').split('\n');
      const key = Object.keys(output)[0];
      for (const d of diags) {
        assert.equal(d.file, 'vmcontext.json');
        assert.match(manifestLines[d.line - 1], new RegExp(`"(${Object.keys(output).join('|')})":`), `the diagnostic sits on the setting (${key})`);
      }
      const before = snapshot(project);
      const built = await vmctx(['build', project], dir);
      assert.equal(built.code, 1, built.out);
      assert.match(built.err, /error output-path-conflict: /);
      assert.match(built.err, message);
      assert.doesNotMatch(built.out, /^wrote /m);
      assert.deepEqual(snapshot(project), before, 'a refused build writes nothing');
    } finally {
      removeDir(dir);
    }
  });
}

test('a VM name with ../ cannot put its overlay outside build/overlays/: check and build say so, nothing is written outside', async () => {
  const { dir, project } = mk();
  try {
    const file = join(project, 'templates/debian3.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('<name>debian3</name>', '<name>../../../escaped/evil</name>'));
    const check = await vmctx(['check', project], dir);
    assert.equal(check.code, 1);
    assert.match(check.out, /^templates\/debian3\.xml:5:9: error output-path-conflict: the VM name "\.\.\/\.\.\/\.\.\/escaped\/evil" makes its overlay .* leave the overlays folder build\/overlays\//m);
    const built = await vmctx(['build', project], dir);
    assert.equal(built.code, 1);
    assert.match(built.err, /error output-path-conflict: the VM name "\.\.\/\.\.\/\.\.\/escaped\/evil"/);
    assert.ok(!existsSync(join(dir, 'escaped')) && !existsSync(join(project, 'escaped')), 'nothing written outside');
    assert.ok(!existsSync(join(project, 'build/overlays/debian1.qcow2')), 'the build is refused as a whole');
  } finally {
    removeDir(dir);
  }
});

test('a VM name like --help is looked up as a domain by the real virsh (test:///default), never read as an option', async () => {
  const run = execaVirsh('virsh');
  try {
    assert.equal((await domainStatus(run, 'test:///default', 'test')).state, 'running', 'the test driver\'s own domain');
  } catch (e) {
    if (e instanceof UserError && /not found/.test(e.message)) assert.fail('virsh is missing: install the Debian package libvirt-clients');
    throw e;
  }
  for (const name of ['--help', '-h', '--connect=qemu:///system']) {
    assert.deepEqual(await domainStatus(run, 'test:///default', name), { name, state: 'absent' });
    await assert.rejects(domainAction(run, 'test:///default', name, 'start'), (e: Error) => e instanceof UserError && e.message.includes(`failed to get domain '${name}'`));
  }
});

test('deploy refuses a VM name that would read its overlay from outside build/overlays/, in one line', async () => {
  const { dir, project } = mk();
  try {
    assert.equal((await vmctx(['build', project], dir)).code, 0);
    const file = join(project, 'templates/debian3.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('<name>debian3</name>', '<name>../../images/debian-base</name>'));
    // The check before deploy refuses it first, naming the template's line.
    const r = await vmctx(['deploy', project, '--connect', 'test:///default', '--dry-run'], dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /^templates\/debian3\.xml:\d+:\d+: error output-path-conflict: the VM name "\.\.\/\.\.\/images\/debian-base" makes its overlay .* leave the overlays folder/m);
    assert.match(r.err, /^vmctx deploy: refused to deploy /m);
    // Past the check (--allow-errors), deploy itself still refuses, in one line and with no stack.
    const forced = await vmctx(['deploy', project, '--connect', 'test:///default', '--dry-run', '--allow-errors'], dir);
    assert.equal(forced.code, 1);
    assert.match(forced.err, /^vmctx deploy: the VM name "\.\.\/\.\.\/images\/debian-base" \(.*debian3\.xml\) makes its overlay .* leave .*build\/overlays: a VM name must not contain "\/"\n$/m);
    assert.doesNotMatch(forced.err, /\n\s+at /);
  } finally {
    removeDir(dir);
  }
});

// Header fields (offset, width, value) that make QEMU refuse the image: `qemu-img info` cannot
// open it, or `qemu-img check` finds it corrupt. Each is checked against the real tool first.
const DAMAGES: Array<[string, number, 4 | 8, number]> = [
  ['cluster bits 30', 20, 4, 30],
  ['cluster bits 8', 20, 4, 8],
  ['misaligned L1 table', 40, 8, 0x30001],
  ['L1 table past the end', 40, 8, 0x100000],
  ['no refcount table', 48, 8, 0],
  ['misaligned refcount table', 48, 8, 0x10001],
  ['unknown incompatible feature', 72, 8, 2 ** 40],
  ['short v3 header', 100, 4, 50],
  ['encryption method 5', 32, 4, 5],
  ['refcount order 7', 96, 4, 7],
  ['L1 too small for the size', 24, 8, 2 ** 50],
  ['L1 too large', 36, 4, 0x10000000],
];

test('a damaged overlay (qcow2 magic, version 3, a header QEMU refuses) is kept unless --force', async () => {
  const { dir, project } = mk();
  try {
    assert.equal((await vmctx(['build', project, '--only', 'overlays'], dir)).code, 0);
    const overlay = join(project, 'build/overlays/debian1.qcow2');
    const good = readFileSync(overlay);
    // A bigger base: every overlay is out of date, so only "cannot be proven empty" keeps it.
    truncateSync(join(project, 'images/debian-base.raw'), 128 << 20);
    for (const [what, offset, width, value] of DAMAGES) {
      const bad = Buffer.from(good);
      if (width === 4) bad.writeUInt32BE(value, offset);
      else bad.writeBigUInt64BE(BigInt(value), offset);
      writeFileSync(overlay, bad);
      const info = spawnSync('qemu-img', ['info', overlay], { encoding: 'utf8' });
      const check = spawnSync('qemu-img', ['check', overlay], { encoding: 'utf8' });
      if (info.error) assert.fail('qemu-img is missing: install the Debian package qemu-utils');
      assert.ok(info.status !== 0 || check.status !== 0, `${what}: QEMU accepts this header, so it is no damage to test`);
      const r = await vmctx(['build', project, '--only', 'overlays'], dir);
      // Kept, but the VM has no disk to boot: an error and exit 1, so a deploy does not follow.
      assert.equal(r.code, 1, `${what}\n${r.out}${r.err}`);
      assert.match(r.err, /build\/overlays\/debian1\.qcow2: error build-overlay: the overlay of debian1 is a damaged qcow2 image \(.+\) that cannot be proven empty; left alone \(--force replaces it\)/, `${what}\n${r.out}${r.err}`);
      assert.deepEqual(readFileSync(overlay), bad, `${what}: kept byte for byte`);
      if (what === DAMAGES[0][0]) assert.match(r.out, /wrote build\/overlays\/debian2\.qcow2 .*empty and out of date/, 'the sound, empty overlays are still updated');
    }
    const forced = await vmctx(['build', project, '--only', 'overlays', '--force'], dir);
    assert.match(forced.out, /wrote build\/overlays\/debian1\.qcow2 .*replaced a damaged qcow2 image/);
    assert.equal(spawnSync('qemu-img', ['info', overlay]).status, 0, 'QEMU opens the replacement');
  } finally {
    removeDir(dir);
  }
});

test('an unexpected error in a command is one line, no stack trace (VMCTX_DEBUG=1 shows it); an I/O error names its file', async () => {
  const { commands } = await import('../../../src/cli/main');
  const failing = [
    { name: 'boom', summary: '', help: '', run: async () => { throw new TypeError('x is undefined'); } },
    { name: 'eio', summary: '', help: '', run: async () => { throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read', path: '/p/build/.context.iso.tmp-7-abcdef' }); } },
  ];
  commands.push(...failing);
  try {
    const r = await vmctx(['boom'], '/');
    assert.deepEqual([r.code, r.err], [1, 'vmctx boom: internal error: x is undefined (please report this)\n']);
    assert.match((await vmctx(['boom'], '/', { VMCTX_DEBUG: '1' })).err, /\n\s+at /);
    const io = await vmctx(['eio'], '/');
    assert.deepEqual([io.code, io.err], [1, 'vmctx eio: cannot read /p/build/context.iso: i/o error (EIO)\n']);
  } finally {
    commands.splice(commands.length - failing.length, failing.length);
  }
});

test('a file that is no qcow2 image (a note, a named pipe) where an overlay goes: kept as it is, an error naming it, exit 1; the other overlays are written', async () => {
  const { dir, project } = mk();
  try {
    const overlays = join(project, 'build/overlays');
    mkdirSync(overlays, { recursive: true });
    writeFileSync(join(overlays, 'debian1.qcow2'), 'my notes\n');
    execFileSync('mkfifo', [join(overlays, 'debian2.qcow2')]);
    const r = await vmctx(['build', project, '--only', 'overlays'], dir);
    assert.equal(r.code, 1, r.out + r.err);
    for (const vm of ['debian1', 'debian2']) {
      assert.ok(r.err.includes(`build/overlays/${vm}.qcow2: error build-overlay: the overlay of ${vm} exists and is no qcow2 image; left alone (--force replaces it)`), r.err);
    }
    assert.match(r.out, /wrote build\/overlays\/debian3\.qcow2 /);
    assert.equal(readFileSync(join(overlays, 'debian1.qcow2'), 'utf8'), 'my notes\n');
    assert.ok(statSync(join(overlays, 'debian2.qcow2')).isFIFO(), 'the pipe is left in place, never opened');
  } finally {
    removeDir(dir);
  }
});

test('a malformed SOURCE_DATE_EPOCH stops the ISO and the seeds with one error (reproducible-builds.org), never another date without a word', async () => {
  const { dir, project } = mk();
  const nocloud = copyExampleWithBase('nocloud-cluster', join(dir, 'nocloud'));
  try {
    for (const value of ['-5', '1.5', 'yesterday', '99999999999999999999', '5869584000']) {
      for (const p of [project, nocloud]) {
        const r = await vmctx(['build', p, '--only', 'iso'], dir, { SOURCE_DATE_EPOCH: value });
        assert.equal(r.code, 1, `${value}: ${r.out}${r.err}`);
        assert.match(r.err, /error build-source-date-epoch: SOURCE_DATE_EPOCH=\S+ cannot date the image: it must be a whole number of seconds since 1970-01-01 UTC, at most 5869583999 \(2155-12-31, the last date an ISO 9660 file record holds\): unset it, or set it to such a number, as the last commit's date: SOURCE_DATE_EPOCH=\$\(git log -1 --format=%ct\)$/m, value);
        assert.ok(!existsSync(join(p, 'build', 'context.iso')) && !existsSync(join(p, 'build', 'seeds')), `${value}: nothing written in ${p}`);
      }
    }
    // The last second an ISO file record can hold, and an empty value (taken as unset), build.
    for (const value of ['5869583999', ' ']) {
      const r = await vmctx(['build', project, '--only', 'iso'], dir, { SOURCE_DATE_EPOCH: value });
      assert.equal(r.code, 0, `${JSON.stringify(value)}: ${r.out}${r.err}`);
    }
    assert.equal((await vmctx(['build', project, '--only', 'overlays'], dir, { SOURCE_DATE_EPOCH: 'yesterday' })).code, 0, 'overlays carry no date');
  } finally {
    removeDir(dir);
  }
});

// `vmctx rng` in process: Jing-style lines, JSON, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { rngCommand } from '../../../src/cli/commands/rngCommand';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/cliIo';

const FIX = join(__dirname, '../../fixtures/relaxng');

function io(cwd = FIX) {
  let out = '';
  let err = '';
  const x: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, env: { VMCTX_CACHE_DIR: process.env.VMCTX_CACHE_DIR } };
  return { x, out: () => out, err: () => err };
}

test('valid files: no output, exit 0', async () => {
  const t = io();
  assert.equal(await rngCommand.run(['interleave/schema.rng', 'interleave/ok-mixed-order.xml'], t.x), 0);
  assert.equal(t.out(), '');
});

test('invalid files: FILE:LINE:COL: error: MESSAGE, relative to cwd, exit 1', async () => {
  const t = io();
  const code = await rngCommand.run(['interleave/schema.rng', 'interleave/ok-mixed-order.xml', 'interleave/bad-value.xml'], t.x);
  assert.equal(code, 1);
  assert.equal(
    t.out(),
    'interleave/bad-value.xml:3:15: error: value "network" of attribute "type" is invalid; must be equal to "block" or "file"\n' +
      'interleave/bad-value.xml:5:4: error: element "bogus" not allowed anywhere; expected the element end-tag or element "disk", "emulator" or "interface"\n',
  );
});

test('--format json gives 1-based ranges and codes', async () => {
  const t = io();
  assert.equal(await rngCommand.run(['--format', 'json', 'interleave/schema.rng', 'interleave/bad-missing-console.xml'], t.x), 1);
  const json = JSON.parse(t.out());
  assert.deepEqual(json.diagnostics, [
    {
      file: 'interleave/bad-missing-console.xml',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 11,
      severity: 'error',
      code: 'rng-invalid',
      message: 'element "devices" incomplete; missing required element "console"',
    },
  ]);
});

test('schema errors are reported against the schema, exit 1', async () => {
  const t = io();
  assert.equal(await rngCommand.run(['schema-errors/undefined-ref.rng', 'schema-errors/doc.xml'], t.x), 1);
  assert.equal(t.out(), 'schema-errors/undefined-ref.rng:2:29: error: reference to undefined pattern "missing"\n');
  const u = io();
  assert.equal(await rngCommand.run(['schema-errors/missing-include.rng', 'schema-errors/doc.xml'], u.x), 1);
  assert.match(u.out(), /^schema-errors\/missing-include\.rng:2:4: error: cannot read schema ".*does-not-exist\.rng": .*no such file/);
});

test('unreadable and malformed documents are errors, not crashes', async () => {
  const t = io();
  assert.equal(await rngCommand.run(['interleave/schema.rng', 'nope.xml', 'schema-errors/not-well-formed.rng'], t.x), 1);
  assert.match(t.out(), /^nope\.xml:1:1: error: cannot read file: /m);
  assert.match(t.out(), /^schema-errors\/not-well-formed\.rng:\d+:\d+: error: XML is not well-formed: /m);
});

test('bad usage exits 2', async () => {
  const t = io();
  assert.equal(await main(['rng', 'only-schema.rng'], t.x), 2);
  assert.match(t.err(), /expected a schema and at least one XML file/);
  const u = io();
  assert.equal(await main(['rng', '--format', 'xml', 'a.rng', 'b.xml'], u.x), 2);
  const v = io();
  assert.equal(await main(['rng', '--bogus', 'a.rng', 'b.xml'], v.x), 2);
});

test('files are read in their declared encoding; bytes that are not are a well-formedness error', async () => {
  const t = io();
  assert.equal(await rngCommand.run(['encodings/schema.rng', 'encodings/ok-latin1.xml', 'encodings/ok-utf16le-bom.xml', 'encodings/ok-utf16be-bom.xml'], t.x), 0);
  assert.equal(t.out(), '');
  const u = io();
  assert.equal(await rngCommand.run(['encodings/schema.rng', 'encodings/bad-latin1-undeclared.xml', 'encodings/bad-unsupported.xml', 'encodings/bad-utf16-value.xml'], u.x), 1);
  assert.equal(
    u.out(),
    'encodings/bad-latin1-undeclared.xml:2:1: error: XML is not well-formed: byte 0xE9 is not valid UTF-8: declare the file\'s encoding (e.g. <?xml version="1.0" encoding="ISO-8859-1"?>) or save it as UTF-8\n' +
      'encodings/bad-unsupported.xml:1:1: error: XML is not well-formed: encoding "x-no-such-encoding" is not supported: use UTF-8, UTF-16, ISO-8859-1 or US-ASCII\n' +
      'encodings/bad-utf16-value.xml:3:9: error: character content "cafe" of element "word" is invalid; must be equal to "ascii", "café" or "naïve"\n',
  );
});

test('files of every kind: one read each, the same verdict as before for big, empty, folder, device and pipe (with a writer and data)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmctx-rng-kinds-'));
  let writer: number | undefined;
  try {
    const bad = readFileSync(join(FIX, 'interleave/bad-value.xml'), 'utf8');
    // Larger than the 64 KiB read buffer: read whole, the errors where they are in the small file.
    writeFileSync(join(dir, 'big.xml'), `${bad}<!--${'x'.repeat(150_000)}-->\n`);
    writeFileSync(join(dir, 'empty.xml'), '');
    mkdirSync(join(dir, 'folder.xml'));
    const fifo = join(dir, 'pipe.xml');
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, `mkfifo failed (Debian package coreutils): ${made.stderr}`);
    // A writer holds the pipe open with a whole document in it: still a pipe, not a file.
    writer = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    writeSync(writer, '<devices><console/></devices>');
    const t = io(dir);
    const files = ['big.xml', 'empty.xml', 'folder.xml', 'pipe.xml', '/dev/zero', './sub/../big.xml'];
    assert.equal(await rngCommand.run([join(FIX, 'interleave/schema.rng'), ...files], t.x), 1);
    const smallErrors = [
      ':3:15: error: value "network" of attribute "type" is invalid; must be equal to "block" or "file"\n',
      ':5:4: error: element "bogus" not allowed anywhere; expected the element end-tag or element "disk", "emulator" or "interface"\n',
    ];
    assert.equal(
      t.out(),
      smallErrors.map((e) => `big.xml${e}`).join('') +
        'empty.xml:1:1: error: XML is not well-formed: the document has no root element\n' +
        'folder.xml:1:1: error: cannot read file: illegal operation on a directory, read\n' +
        'pipe.xml:1:1: error: cannot read file: it is a named pipe, not a file\n' +
        `${relative(dir, '/dev/zero')}:1:1: error: cannot read file: it is a device file, not a file\n` +
        smallErrors.map((e) => `big.xml${e}`).join(''),
    );
  } finally {
    if (writer !== undefined) closeSync(writer);
    rmSync(dir, { recursive: true, force: true });
  }
});

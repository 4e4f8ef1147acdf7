// Input that must give a clear diagnostic quickly, never a freeze of the extension host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateDocument } from '../../../src/core/validation/checkProject';
import { createDomainSchemas } from '../../../src/core/io/schemaFiles';
import { bundledSettings, fixture, openProject, writeProject } from './domainTestProject';
import { remove, repoRoot, tempDir, testSchemas, writeTree } from '../helpers/tempProject';
import type { Settings } from '../../../src/core/settings';

async function withTemplate(run: (check: (text: string, settings?: Settings) => ReturnType<typeof validateDocument>) => void | Promise<void>, schemas = testSchemas) {
  const dir = writeProject({ 'a.xml': fixture('snooze-era.xml') });
  try {
    const project = await openProject(dir);
    const file = path.join(dir, 'templates/a.xml');
    await run((text, settings = bundledSettings) => validateDocument(project, file, text, settings, schemas));
  } finally {
    remove(dir);
  }
}

// A guard against freezes (exponential work, a parse of 50 MB), not a speed figure: speed is
// measured by `npm run bench`, and the limit leaves room for a loaded CI machine.
function withoutFreeze<T>(fn: () => T, maxMs = 5000): T {
  const t0 = performance.now();
  const r = fn();
  const ms = performance.now() - t0;
  assert.ok(ms < maxMs, `took ${ms.toFixed(0)} ms: the check froze (limit ${maxMs} ms)`);
  return r;
}

test('a 50 MB XML file: one clear warning, at once', () =>
  withTemplate((check) => {
    const device = "<interface type='bridge'><mac address='00:16:c0:a8:7a:11'/></interface>\n";
    const big = `<domain type='kvm'><name>big</name><devices>\n${device.repeat(Math.ceil(50_000_000 / device.length))}</devices></domain>`;
    const ds = withoutFreeze(() => check(big));
    assert.deepEqual(ds.map((d) => d.code), ['xml-too-large']);
    assert.match(ds[0].message, /4[78]\.\d MB \(limit 2 MB\)/);
  }));

test('a 1 MB template is parsed but not schema-checked (information)', () =>
  withTemplate((check) => {
    const device = "    <serial type='pty'><target port='0'/></serial>\n";
    const text = fixture('snooze-era.xml').replace('  </devices>', `${device.repeat(Math.ceil(1_000_000 / device.length))}  </devices>`);
    const ds = withoutFreeze(() => check(text));
    const skipped = ds.find((d) => d.code === 'libvirt-schema-skipped')!;
    assert.equal(skipped.severity, 'information');
    assert.ok(ds.some((d) => d.code === 'domain-cdrom-bus'), 'the semantic rules still run');
  }));

test('a binary file named .xml: xml-malformed saying it is binary', () =>
  withTemplate((check) => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const ds = check(new TextDecoder().decode(bytes));
    assert.equal(ds.length, 1);
    assert.equal(ds[0].code, 'xml-malformed');
    assert.match(ds[0].message, /binary/);
  }));

test('BOM and CRLF: same diagnostics at the same lines as LF', () =>
  withTemplate((check) => {
    const lf = fixture('snooze-era.xml');
    const summary = (text: string) => check(text).map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`).sort();
    const expected = summary(lf);
    assert.ok(expected.length > 5);
    assert.deepEqual(summary(lf.replace(/\n/g, '\r\n')), expected);
    assert.deepEqual(summary('\uFEFF' + lf).map((s) => s.replace(/@0:(\d+)/, (_, c) => `@0:${c - 1}`)), expected);
  }));

test('an XML bomb (entity expansion) is refused once expansion passes its limit, at once', () =>
  withTemplate((check) => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE domain [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<domain type='kvm'><name>&f;</name></domain>
`;
    const ds = withoutFreeze(() => check(bomb));
    assert.equal(ds.length, 1);
    assert.equal(ds[0].code, 'xml-malformed');
    assert.equal(ds[0].range.start.line, 9);
    assert.match(ds[0].message, /entity expansion produces more than 1000000 characters/);
  }));

test('a libvirt schema that does not compile is reported once, and ours is used instead', async () => {
  const schemas = writeTree(tempDir('vmctx-badschema-'), { 'domain.rng': '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="nowhere"/></start></grammar>' });
  const reports: string[] = [];
  // A DomainSchemas of its own: nothing cached by the other tests, the listener hears only this.
  const domainSchemas = createDomainSchemas(path.join(repoRoot, 'schemas', 'domain-template.rng'));
  const sub = domainSchemas.onProblem((p) => reports.push(`${path.basename(p.path)} -> ${p.fallback && path.basename(p.fallback)}: ${p.message}`));
  try {
    await withTemplate((check) => {
      const settings: Settings = { ...bundledSettings, libvirt: { schemaDirectory: schemas } };
      for (let i = 0; i < 5; i++) {
        const ds = check(fixture('snooze-era.xml'), settings);
        assert.equal(ds.find((d) => d.code === 'libvirt-schema')?.source, 'libvirt-schema (domain-template.rng)');
      }
    }, domainSchemas);
    assert.equal(reports.length, 1);
    assert.match(reports[0], /^domain\.rng -> domain-template\.rng: .*nowhere/);
  } finally {
    sub.dispose();
    remove(schemas);
  }
});

// The cloud-init checks on their own (no project): cloud-init's documentation examples pass,
// each faulty file gives its diagnostic at its line, and nothing throws on odd input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/tempProject';
import { userDataDiagnostics, userDataType } from '../../../src/core/cloudinit/userData';
import { networkConfigDiagnostics } from '../../../src/core/cloudinit/networkConfig';
import { metaDataDiagnostics } from '../../../src/core/cloudinit/metaData';
import { CLOUD_INIT_KEYWORDS, SCHEMAS } from '../../../src/core/cloudinit/cloudInitSchemas';
import type { CloudInitKind } from '../../../src/core/cloudinit/cloudInitTypes';
import type { Diagnostic } from '../../../src/core/common/diagnostic';
import { seededRandom } from '../helpers/random';

const fixtures = path.join(repoRoot, 'test/fixtures/cloud-init');
const check: Record<CloudInitKind, (text: string) => Diagnostic[]> = {
  'user-data': (t) => userDataDiagnostics(t),
  'network-config': (t) => networkConfigDiagnostics(t),
  'meta-data': (t) => metaDataDiagnostics(t),
};

test("every one of cloud-init's 128 documentation examples gives no error", () => {
  const files = readdirSync(path.join(fixtures, 'examples')).filter((f) => f.endsWith('.yaml'));
  assert.equal(files.length, 128);
  const failures: string[] = [];
  for (const f of files) {
    const text = readFileSync(path.join(fixtures, 'examples', f), 'utf8');
    assert.ok(['cloud-config', 'jinja'].includes(userDataType(text)), f);
    for (const d of userDataDiagnostics(text)) {
      if (d.severity === 'error') failures.push(`${f}:${d.range.start.line + 1}: ${d.code}: ${d.message}`);
      else assert.match(d.code, /^cloudinit-(deprecated|changed|userdata-unchecked)$/, `${f}: ${d.message}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('each faulty file gives its diagnostic at its line', () => {
  const expected: Record<string, Array<[number, string, string]>> = JSON.parse(readFileSync(path.join(fixtures, 'faulty/expected.json'), 'utf8'));
  const files = readdirSync(path.join(fixtures, 'faulty')).filter((f) => !f.endsWith('.json') && !f.endsWith('.md'));
  assert.deepEqual(files.sort(), Object.keys(expected).sort(), 'every faulty file has its expectations');
  for (const [file, wants] of Object.entries(expected)) {
    const kind = path.extname(file).slice(1) as CloudInitKind;
    const ds = check[kind](readFileSync(path.join(fixtures, 'faulty', file), 'utf8'));
    const shown = ds.map((d) => `${d.range.start.line + 1} ${d.severity} ${d.code}: ${d.message}`).join('\n');
    for (const [line, code, pattern] of wants) {
      assert.ok(
        ds.some((d) => d.range.start.line + 1 === line && d.code === code && new RegExp(pattern).test(d.message)),
        `${file}: expected ${code} at line ${line} matching /${pattern}/, got:\n${shown}`,
      );
    }
    // Nothing else than what is expected (no noise from other alternatives of the schema).
    assert.equal(ds.length, wants.length, `${file}: unexpected extra diagnostics:\n${shown}`);
  }
});

test('problems point at the key (unknown key) or the value (type, enum), not the whole line', () => {
  const [unknown] = userDataDiagnostics('#cloud-config\nwrite_files:\n  - path: /x\n    contnt: hi\n');
  assert.deepEqual(unknown.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } });
  const [type] = userDataDiagnostics('#cloud-config\nusers:\n  - name: bob\n    shell: 12\n');
  assert.deepEqual(type.range, { start: { line: 3, character: 11 }, end: { line: 3, character: 13 } });
  const [header] = userDataDiagnostics('#cloud-conifg\nfoo: 1\n');
  assert.equal(header.fixes?.[0].edits[0].newText, '#cloud-config');
});

test('a user-data without header that looks like YAML gets the quick fix that inserts #cloud-config', () => {
  const [d] = userDataDiagnostics('packages: [vim]\n');
  assert.equal(d.fixes?.[0].edits[0].newText, '#cloud-config\n');
  assert.deepEqual(d.fixes?.[0].edits[0].range.start, { line: 0, character: 0 });
});

test('valid files of every type give nothing', () => {
  assert.deepEqual(userDataDiagnostics('#!/bin/sh\necho hello\n'), []);
  assert.deepEqual(userDataDiagnostics('#cloud-boothook\n#!/bin/sh\necho early\n'), []);
  assert.deepEqual(userDataDiagnostics('#include\nhttps://example.com/a\n# comment\n'), []);
  assert.deepEqual(userDataDiagnostics('#cloud-config\n'), []);
  const jinja = userDataDiagnostics('## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}\n');
  assert.deepEqual(jinja.map((d) => [d.severity, d.code]), [['information', 'cloudinit-userdata-unchecked']]);
  assert.deepEqual(userDataDiagnostics('\u001f\ufffd\b\u0000').map((d) => d.code), ['cloudinit-userdata-unchecked']);
  assert.deepEqual(networkConfigDiagnostics('network:\n  config: disabled\n'), []);
  assert.deepEqual(networkConfigDiagnostics('version: 2\nethernets:\n  eth0:\n    match: {macaddress: "52:54:00:12:34:56"}\n    set-name: eth0\n    dhcp4: true\n    ipv6-privacy: true\n'), []);
  assert.deepEqual(metaDataDiagnostics('instance-id: iid-web1\nlocal-hostname: web1.example.internal\n'), []);
});

test('odd input gives diagnostics, never an exception', () => {
  const odd = ['', '\u0000\u0001', '#cloud-config\n' + 'a: &a [*a]\n', '#cloud-config\n- 1\n', '#cloud-config\n"x"\n', '#cloud-config\n? [a]\n: b\n', '#cloud-config\n' + '['.repeat(2000),
    `#cloud-config\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`];
  for (const text of odd) {
    for (const kind of Object.keys(check) as CloudInitKind[]) assert.doesNotThrow(() => check[kind](text), `${kind}: ${JSON.stringify(text.slice(0, 40))}`);
  }
  const bomb = userDataDiagnostics(odd[odd.length - 1]);
  assert.ok(bomb.some((d) => d.severity === 'error'), 'an alias bomb is refused');
});

test("Ajv accepts every keyword of cloud-init's schemas: JSON Schema's or one of cloud-init's declared ones", () => {
  const standard = new Set([
    '$schema', '$id', 'id', '$ref', '$defs', 'definitions', 'title', 'description', 'default', 'examples', 'type', 'enum', 'const', 'format',
    'properties', 'patternProperties', 'additionalProperties', 'required', 'minProperties', 'maxProperties', 'dependencies',
    'items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains',
    'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern',
    'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
  ]);
  const unknown = new Set<string>();
  const walk = (v: unknown, parentKey?: string) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x));
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      // Names under properties/patternProperties/$defs are data names, not keywords.
      const namesOnly = parentKey === 'properties' || parentKey === 'patternProperties' || parentKey === '$defs' || parentKey === 'definitions';
      if (!namesOnly && !standard.has(k) && !(CLOUD_INIT_KEYWORDS as readonly string[]).includes(k)) unknown.add(k);
      if (k !== 'enum' && k !== 'default' && k !== 'examples') walk(x, namesOnly ? undefined : k);
    }
  };
  for (const s of Object.values(SCHEMAS)) walk(s);
  assert.deepEqual([...unknown], []);
});

test('fuzz: 1,500 random edits of the examples give diagnostics in range and never throw', () => {
  const random = seededRandom(18);
  const dir = path.join(fixtures, 'examples');
  const texts = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8'));
  const pieces = [':', '-', ' ', '\n', '  ', '[', ']', '{', '}', '"', "'", '&a', '*a', '!!binary', '#', 'yes', '0x', '|', '>', '\t', 'version: 2', '\u00e9'];
  for (let i = 0; i < 1500; i++) {
    let text = texts[Math.floor(random() * texts.length)];
    for (let k = 0; k < 3; k++) {
      const at = Math.floor(random() * text.length);
      const cut = Math.floor(random() * 4);
      text = text.slice(0, at) + (random() < 0.7 ? pieces[Math.floor(random() * pieces.length)] : '') + text.slice(at + cut);
    }
    const kind = (['user-data', 'network-config', 'meta-data'] as const)[i % 3];
    let ds: Diagnostic[] = [];
    assert.doesNotThrow(() => (ds = check[kind](text)), `${kind} #${i}: ${JSON.stringify(text)}`);
    const lines = text.split(/\r\n|\r|\n/).length;
    for (const d of ds) assert.ok(d.range.start.line < lines && d.range.end.line < lines + 1 && d.message.length > 0, `${kind} #${i}: ${d.code} out of range`);
  }
});

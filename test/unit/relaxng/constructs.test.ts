// Small schemas per construct (test/fixtures/relaxng/*), each document checked against the
// verdict and first error line Jing gave for it (recorded in jing.json by record-jing.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { LineIndex } from '../../../src/core/common/text';
import { RngSchemaError, validateText } from '../../../src/core/relaxng/index';
import { decodeXml } from '../../../src/core/xml/encoding';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';

const FIXTURES = join(__dirname, '../../fixtures/relaxng');

interface JingResult {
  valid: boolean;
  errors: Array<{ file: string; line: number; column: number; message: string; fatal?: boolean }>;
}

/** Same line as Jing, or (for a start tag over several lines, which Jing reports at its `>`) within the same tag. */
function sameTag(text: string, ours: { line: number; character: number }, jing: { line: number; column: number }): boolean {
  if (ours.line + 1 === jing.line) return true;
  const lines = new LineIndex(text);
  const a = lines.offsetAt(ours);
  const b = lines.offsetAt({ line: jing.line - 1, character: jing.column - 1 });
  return a < b && !text.slice(a, b).includes('<');
}

const dirs = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'schema-errors');

for (const dir of dirs) {
  const d = join(FIXTURES, dir.name);
  const jing = JSON.parse(readFileSync(join(d, 'jing.json'), 'utf8')) as Record<string, JingResult>;
  test(`construct ${dir.name}: same verdicts and first error lines as Jing`, () => {
    const schema = compileRngSchemaFile(join(d, 'schema.rng'));
    const docs = Object.keys(jing);
    assert.ok(docs.length >= 2);
    for (const doc of docs) {
      // Read as Jing reads it: the encoding declaration says how (fixtures/relaxng/encodings).
      const decoded = decodeXml(readFileSync(join(d, doc)));
      const want = jing[doc];
      if (decoded.error) {
        assert.ok(want.errors[0]?.fatal, `${dir.name}/${doc}: ours: ${decoded.error.message}; Jing reads it`);
        continue;
      }
      const text = decoded.text;
      const diags = validateText(schema, text);
      assert.equal(diags.length === 0, want.valid, `${dir.name}/${doc}: ${diags.map((x) => x.message).join(' | ')}`);
      if (want.errors[0]?.fatal) {
        // Not well-formed for Jing (Xerces): the same for us, wherever each parser notices it.
        assert.equal(diags[0].code, 'xml-malformed', `${dir.name}/${doc}: ${diags[0].message} / Jing: ${want.errors[0].message}`);
        continue;
      }
      if (!want.valid) {
        // Ours are sorted by place; Jing reports ID errors after the rest: compare with its earliest.
        const first = [...want.errors].sort((a, b) => a.line - b.line || a.column - b.column)[0];
        assert.ok(sameTag(text, diags[0].range.start, first), `${dir.name}/${doc} first error: ${diags[0].range.start.line + 1}: ${diags[0].message} / Jing: ${first.line}: ${first.message}`);
        // Jing's independent faults are each reported (we may add none and lose none).
        assert.equal(diags.length, want.errors.length, `${dir.name}/${doc}: ours ${diags.map((x) => `${x.range.start.line + 1}: ${x.message}`).join(' | ')}`);
      }
    }
  });
}

// Where we point at the offending construct itself while Jing points at its element.
const PRECISER: Record<string, number> = {
  'interleave-text.rng': 2,
  'repeated-attribute.rng': 3,
  'wildcard-attribute.rng': 2,
  's7-define-reused-in-attribute.rng': 4,
  's7-list-element-kept.rng': 3,
  's72-data-in-attribute.rng': 3,
  's72-interleave-list-data.rng': 2,
  's72-repeated-data.rng': 2,
  'id-conflicting-types.rng': 4,
  'id-in-choice.rng': 3,
};

test('schema errors are reported with their place, as Jing rejects the schema', () => {
  const d = join(FIXTURES, 'schema-errors');
  const jing = JSON.parse(readFileSync(join(d, 'jing.json'), 'utf8')) as Record<string, JingResult>;
  const wrongLine: string[] = [];
  for (const [file, want] of Object.entries(jing)) {
    assert.equal(want.valid, false);
    let error: RngSchemaError | undefined;
    try {
      compileRngSchemaFile(join(d, file));
    } catch (e) {
      if (!(e instanceof RngSchemaError)) throw e;
      error = e;
    }
    assert.ok(error, `${file} should not compile`);
    assert.ok(error.problems.length > 0);
    if (want.errors[0] && error.problems[0].line + 1 !== (PRECISER[file] ?? want.errors[0].line)) {
      wrongLine.push(`${file}: ${error.problems[0].line + 1}: ${error.problems[0].message} / Jing: ${want.errors[0].line}: ${want.errors[0].message}`);
    }
    assert.ok(existsSync(error.problems[0].file), `${file}: names a real file (${error.problems[0].file})`);
  }
  assert.deepEqual(wrongLine, []);
});

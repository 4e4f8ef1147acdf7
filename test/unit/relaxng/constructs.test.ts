// Small schemas per construct (test/fixtures/relaxng/*), each document checked against the
// verdict and first error line Jing gave for it (recorded in jing.json by record-jing.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { LineIndex } from '../../../src/core/common/text';
import { RngSchemaError, validateText } from '../../../src/core/relaxng/index';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';

const FIXTURES = join(__dirname, '../../fixtures/relaxng');

interface JingResult {
  valid: boolean;
  errors: Array<{ file: string; line: number; column: number; message: string }>;
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
      const text = readFileSync(join(d, doc), 'utf8');
      const diags = validateText(schema, text);
      const want = jing[doc];
      assert.equal(diags.length === 0, want.valid, `${dir.name}/${doc}: ${diags.map((x) => x.message).join(' | ')}`);
      if (!want.valid) {
        assert.ok(sameTag(text, diags[0].range.start, want.errors[0]), `${dir.name}/${doc} first error: ${diags[0].range.start.line + 1}: ${diags[0].message} / Jing: ${want.errors[0].line}: ${want.errors[0].message}`);
        // Jing's independent faults are each reported (we may add none and lose none).
        assert.equal(diags.length, want.errors.length, `${dir.name}/${doc}: ours ${diags.map((x) => `${x.range.start.line + 1}: ${x.message}`).join(' | ')}`);
      }
    }
  });
}

// Where we point at the offending construct itself while Jing points at its element.
const PRECISER: Record<string, number> = { 'interleave-text.rng': 2, 'repeated-attribute.rng': 3, 'wildcard-attribute.rng': 2 };

test('schema errors are reported with their place, as Jing rejects the schema', () => {
  const d = join(FIXTURES, 'schema-errors');
  const jing = JSON.parse(readFileSync(join(d, 'jing.json'), 'utf8')) as Record<string, JingResult>;
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
    if (want.errors[0]) {
      assert.equal(error.problems[0].line + 1, PRECISER[file] ?? want.errors[0].line, `${file}: ${error.problems[0].message} / Jing: ${want.errors[0].message}`);
    }
    assert.ok(existsSync(error.problems[0].file), `${file}: names a real file (${error.problems[0].file})`);
  }
});

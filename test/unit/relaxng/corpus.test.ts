// Jing agreement on the 135 real libvirt domain documents of test/fixtures/libvirt-domains (labels.json holds
// Jing's verdicts and first errors) against the installed libvirt schemas (Debian libvirt0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateText } from '../../../src/core/relaxng/index';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';

const SCHEMA = '/usr/share/libvirt/schemas/domain.rng';
const CORPUS = join(__dirname, '../../fixtures/libvirt-domains');

interface Label {
  jing_valid: boolean;
  jing_error_count: number;
  jing_first_error: { line: number; column: number; message: string } | null;
}

test('libvirt domain corpus: verdicts and first error lines agree with Jing', () => {
  assert.ok(existsSync(SCHEMA), `${SCHEMA} is missing: install the Debian package libvirt0`);
  assert.ok(existsSync(CORPUS), `${CORPUS} is missing`);
  const schema = compileRngSchemaFile(SCHEMA);
  const labels = JSON.parse(readFileSync(join(CORPUS, 'labels.json'), 'utf8')) as Record<string, Label>;
  const files = Object.keys(labels).sort();
  assert.equal(files.length, 135);
  const disagree: string[] = [];
  let invalid = 0;
  let sameLine = 0;
  const countDiffers: string[] = [];
  const lineDiffers: string[] = [];
  const allLines = JSON.parse(readFileSync(join(__dirname, '../../fixtures/relaxng/corpus-jing-lines.json'), 'utf8')) as Record<string, number[]>;
  for (const f of files) {
    const label = labels[f];
    const diags = validateText(schema, readFileSync(join(CORPUS, f), 'utf8'));
    if ((diags.length === 0) !== label.jing_valid) disagree.push(`${f}: ours ${diags.length === 0}, Jing ${label.jing_valid} ${diags[0]?.message ?? ''}`);
    if (!label.jing_valid) {
      invalid++;
      if (diags[0] && diags[0].range.start.line + 1 === label.jing_first_error!.line) sameLine++;
      // One diagnostic per independent fault, as many as Jing finds.
      if (diags.length !== label.jing_error_count) countDiffers.push(`${f}: ${diags.length} errors, Jing ${label.jing_error_count}`);
      // ... each on the line Jing reports it (recorded by test/fixtures/relaxng/record-corpus.mjs).
      const ours = diags.map((d) => d.range.start.line + 1).sort((a, b) => a - b);
      const theirs = [...allLines[f]].sort((a, b) => a - b);
      if (ours.join() !== theirs.join()) lineDiffers.push(`${f}: lines ${ours.join()}, Jing ${theirs.join()}`);
      // Every diagnostic says what it found.
      for (const d of diags) assert.match(d.message, /"/);
    }
  }
  assert.deepEqual(disagree, []);
  assert.deepEqual(countDiffers, []);
  assert.deepEqual(lineDiffers, []);
  assert.ok(invalid > 0);
  assert.ok(sameLine / invalid >= 0.9, `first error line agrees on ${sameLine}/${invalid}`);
});

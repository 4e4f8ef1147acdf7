// The libvirt domain corpus (test/fixtures/libvirt-domains, Jing's verdicts in labels.json):
// each file copied into a minimal context project and checked as `vmctx check` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { decodeText } from '../../../src/core/common/fileSystem';
import { loadProject } from '../../../src/core/project/load';
import { checkProject } from '../../../src/core/validation/checkProject';
import { remove, repoRoot, tempDir, writeTree } from '../helpers/tempProject';
import { bundledSettings, libvirtSettings } from './domainTestProject';
import type { Settings } from '../../../src/core/settings';
import { testSchemas } from '../helpers/tempProject';

const corpus = path.join(repoRoot, 'test/fixtures/libvirt-domains');
interface Label {
  jing_valid: boolean;
  jing_first_error: { line: number; column: number; message: string } | null;
}
const labels: Record<string, Label> = JSON.parse(readFileSync(path.join(corpus, 'labels.json'), 'utf8'));

async function check(name: string, settings: Settings = libvirtSettings) {
  const dir = writeTree(tempDir('vmctx-corpus-'), { 'context/post-install': '#!/bin/sh\n' });
  try {
    cpSync(path.join(corpus, name), path.join(dir, 'domain.xml'));
    const project = await loadProject(nodeFileSystem, dir);
    const results = await checkProject(project, async (f) => decodeText(await nodeFileSystem.readFile(f)), settings, testSchemas);
    return results.flatMap((r) => r.diagnostics);
  } finally {
    remove(dir);
  }
}

test('the 135 corpus files: Jing-valid ones get no error, Jing-invalid ones a libvirt-schema error on its line', async () => {
  const names = Object.keys(labels).sort();
  assert.equal(names.length, 135);
  const falseErrors: string[] = [];
  const missed: string[] = [];
  const wrongLine: string[] = [];
  let invalid = 0;
  for (const name of names) {
    const label = labels[name];
    const ds = await check(name);
    if (label.jing_valid) {
      const errors = ds.filter((d) => d.severity === 'error');
      if (errors.length) falseErrors.push(`${name}: ${errors.map((d) => `${d.range.start.line + 1}: ${d.code}: ${d.message}`).join('; ')}`);
      continue;
    }
    invalid++;
    const schema = ds.filter((d) => d.code === 'libvirt-schema' && d.severity === 'error');
    if (!schema.length) missed.push(name);
    else if (!schema.some((d) => d.range.start.line + 1 === label.jing_first_error!.line)) {
      wrongLine.push(`${name}: Jing ${label.jing_first_error!.line}, ours ${schema.map((d) => d.range.start.line + 1).join(',')}`);
    }
  }
  assert.equal(invalid, 36);
  assert.deepEqual(falseErrors, [], 'Jing-valid files with errors');
  assert.deepEqual(missed, [], 'Jing-invalid files without a libvirt-schema error');
  const onLine = invalid - wrongLine.length;
  console.log(`corpus: ${onLine}/${invalid} invalid files have a libvirt-schema error on Jing's first error line`);
  assert.ok(onLine / invalid >= 0.9, `only ${onLine}/${invalid} on Jing's line:\n${wrongLine.join('\n')}`);
});

test('our bundled schema rejects none of the 99 Jing-valid corpus files', async () => {
  const falseErrors: string[] = [];
  for (const name of Object.keys(labels).filter((n) => labels[n].jing_valid)) {
    const ds = await check(name, bundledSettings);
    assert.ok(!ds.some((d) => d.code === 'libvirt-schema' && d.source !== 'libvirt-schema (domain-template.rng)'));
    for (const d of ds) if (d.severity === 'error') falseErrors.push(`${name}:${d.range.start.line + 1}: ${d.code}: ${d.message}`);
  }
  assert.deepEqual(falseErrors, []);
});

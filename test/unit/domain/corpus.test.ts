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

/**
 * Jing-valid files that the project's own rules rightly refuse: libvirt's QEMU driver (not its
 * schema) rejects them. virt-manager's test data is made against libvirt's test driver, which
 * does not. Listed per file, so any other error on a Jing-valid file still fails.
 */
const REFUSED_BY_QEMU_DRIVER: Record<string, string[]> = {
  // q35 has no IDE controller: "IDE controllers are unsupported for this QEMU binary or machine type".
  'cli-compare-virt-install-storage-creation.xml': ['domain-disk-bus-ide'],
};

/** The errors of a Jing-valid file beyond those listed for it; a listed code that is missing counts too. */
function unexpectedErrors(name: string, ds: Array<{ severity: string; code: string; range: { start: { line: number } }; message: string }>): string[] {
  const expected = REFUSED_BY_QEMU_DRIVER[name] ?? [];
  const errors = ds.filter((d) => d.severity === 'error');
  const out = errors.filter((d) => !expected.includes(d.code)).map((d) => `${d.range.start.line + 1}: ${d.code}: ${d.message}`);
  for (const code of expected) if (!errors.some((d) => d.code === code)) out.push(`expected ${code}, not reported`);
  return out;
}

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
      const errors = unexpectedErrors(name, ds);
      if (errors.length) falseErrors.push(`${name}: ${errors.join('; ')}`);
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
    for (const e of unexpectedErrors(name, ds)) falseErrors.push(`${name}:${e}`);
  }
  assert.deepEqual(falseErrors, []);
});

// The registry of diagnostic codes, the code that emits them and the README's table must agree:
// a code emitted but not registered, registered but never emitted, emitted with a severity the
// registry does not list, built with a template string, or missing from the README fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DIAGNOSTIC_CODES, isDiagnosticCode, severitiesOf, type DiagnosticCode } from '../../../src/core/common/diagnosticCodes';
import { TABLE_END, TABLE_START, diagnosticCodesTable } from '../../../scripts/diagnosticCodesTable';

const root = join(import.meta.dirname, '../../..');
const registryFile = 'src/core/common/diagnosticCodes.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every source file of the product, except the registry itself. */
const files = sources(join(root, 'src'))
  .map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') }))
  .filter((f) => f.file !== registryFile);

const codes = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

test('diagnostic codes: the README table is the one generated from the registry (npm run docs:codes)', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  assert.ok(start >= 0 && end > start, 'README.md lacks the diagnostic-codes markers');
  assert.equal(readme.slice(start + TABLE_START.length, end).trim(), diagnosticCodesTable(), 'README.md is out of date: run npm run docs:codes');
  for (const code of codes) assert.ok(readme.includes(`| \`${code}\` |`), `${code} is not in the README`);
});

test('diagnostic codes: every registered code is emitted somewhere, as a string literal', () => {
  const unused = codes.filter((code) => !files.some((f) => f.text.includes(`'${code}'`)));
  assert.deepEqual(unused, [], `registered but never emitted (or only through a template string): ${unused.join(', ')}`);
});

test('diagnostic codes: no code is built from a template string', () => {
  // `domain-${kind}-duplicate`: grep finds no such code, and neither does the test above.
  const codeLike = /`(?:[a-z0-9]+-)+\$\{[^}`]+\}(?:-[a-z0-9]+)*`|`\$\{[^}`]+\}(?:-[a-z0-9]+)+`/g;
  const built = files.filter((f) => /^src[\\/](core|cli)[\\/]/.test(f.file)).flatMap((f) => [...f.text.matchAll(codeLike)].map((m) => `${f.file}: ${m[0]}`));
  assert.deepEqual(built, []);
});

test('diagnostic codes: literal codes in the sources are registered and emitted with a registered severity', () => {
  let seen = 0;
  const wrong: string[] = [];
  for (const f of files) {
    // diagnostic('code', 'severity', …) and the validators' report('code', 'severity', …)
    for (const m of f.text.matchAll(/\b(?:diagnostic|report)\(\s*'([a-z0-9-]+)',\s*'(error|warning|information|hint)'/g)) {
      seen++;
      const [, code, severity] = m;
      if (!isDiagnosticCode(code)) wrong.push(`${f.file}: ${code} is not registered`);
      else if (!severitiesOf(code).includes(severity as never)) wrong.push(`${f.file}: ${code} emitted as ${severity}, registered as ${severitiesOf(code).join('/')}`);
    }
    // problem(path, 'code', message[, 'severity']) of the build planner and the context scanner
    for (const m of f.text.matchAll(/\bproblem\([^,()]+,\s*'([a-z0-9-]+)',[^\n]*?(?:,\s*'(error|warning|information)'\))?;?$/gm)) {
      seen++;
      const [, code] = m;
      if (!isDiagnosticCode(code)) wrong.push(`${f.file}: ${code} is not registered`);
    }
  }
  assert.ok(seen > 40, `only ${seen} emitting calls found: the patterns of this test no longer match the sources`);
  assert.deepEqual(wrong, []);
});

test('diagnostic codes: names are lower-case words joined by hyphens, meanings are one line', () => {
  for (const code of codes) {
    assert.match(code, /^[a-z0-9]+(-[a-z0-9]+)+$/);
    assert.ok(!DIAGNOSTIC_CODES[code].meaning.includes('\n'), `${code}: meaning spans lines`);
    assert.ok(severitiesOf(code).length > 0);
  }
});

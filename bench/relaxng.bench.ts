// RELAX NG engine: compile libvirt's domain.rng (and read it back from the compiled-schema
// cache), validate a 3 KB template warm, the 135-file corpus in one process, a synthetic 1 MB
// domain, and `vmctx rng` over the corpus as a process.
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { parseXml } from '../src/core/xml/parse';
import { validateDocument, validateText } from '../src/core/relaxng/index';
import { time, round } from './measure';
import { compileRngSchemaFile, loadRngSchemaFile } from '../src/core/io/schemaFiles';

const SCHEMA = '/usr/share/libvirt/schemas/domain.rng';
const CORPUS = join(__dirname, '../test/fixtures/libvirt-domains');

export async function run() {
  if (!existsSync(SCHEMA) || !existsSync(CORPUS)) return { skipped: 'needs libvirt0 (domain.rng)' };
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
  const texts = files.map((f) => readFileSync(join(CORPUS, f), 'utf8'));
  // parseXml caches by text; an explicit maxDepth parses afresh, as after a keystroke.
  const fresh = (t: string) => parseXml(t, { maxDepth: 2000 });

  // Cold: the first compile in this process (JIT and datatype caches cold).
  let t0 = performance.now();
  let schema = compileRngSchemaFile(SCHEMA);
  const compileCold = round(performance.now() - t0);
  const compile = await time(10, () => compileRngSchemaFile(SCHEMA), 2);
  // The compiled-schema cache: what `vmctx check` pays instead of a compile once it is filled.
  const cacheDir = mkdtempSync(join(tmpdir(), 'vmctx-bench-cache-'));
  let cacheLoad;
  try {
    t0 = performance.now();
    loadRngSchemaFile(SCHEMA, cacheDir);
    const fill = round(performance.now() - t0);
    const hit = await time(10, () => {
      if (loadRngSchemaFile(SCHEMA, cacheDir).from !== 'hit') throw new Error('compiled-schema cache missed');
    }, 2);
    // The read is lazy (an element's content is built when first met), so a load alone says
    // little: this is a load plus the first validation of the example's template with it.
    const example = readFileSync(join(__dirname, '../examples/snooze-cluster/templates/debian1.xml'), 'utf8');
    const hitAndTemplate = await time(10, () => {
      if (validateDocument(loadRngSchemaFile(SCHEMA, cacheDir).schema, fresh(example)).length) throw new Error('the example template is invalid');
    }, 2);
    cacheLoad = { compile_and_write_ms: fill, load_hit: hit, load_hit_and_example_template: hitAndTemplate };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }

  // The corpus with a fresh schema: derivatives computed as they are first needed.
  schema = compileRngSchemaFile(SCHEMA);
  t0 = performance.now();
  let invalid = 0;
  for (const t of texts) if (validateDocument(schema, fresh(t)).length) invalid++;
  const corpusFirst = round(performance.now() - t0);
  t0 = performance.now();
  for (const t of texts) validateDocument(schema, fresh(t));
  const corpusWarm = round(performance.now() - t0);

  // A ~3 KB valid template.
  const labels = JSON.parse(readFileSync(join(CORPUS, 'labels.json'), 'utf8')) as Record<string, { jing_valid: boolean }>;
  const small = files
    .filter((f) => labels[f].jing_valid)
    .map((f) => readFileSync(join(CORPUS, f), 'utf8'))
    .sort((a, b) => Math.abs(a.length - 3000) - Math.abs(b.length - 3000))[0];
  const smallDoc = fresh(small);
  const validate3kb = await time(300, () => validateDocument(schema, fresh(small)));
  const walk3kb = await time(300, () => validateDocument(schema, smallDoc));

  // A synthetic 1 MB domain: a valid template with its devices repeated.
  const base = small;
  const devStart = base.indexOf('<devices>') + '<devices>'.length;
  const devEnd = base.indexOf('</devices>');
  // Disks and interfaces may repeat; the rest of the devices may not.
  const devices = [...base.slice(devStart, devEnd).matchAll(/ *<(disk|interface)\b[\s\S]*?<\/\1>\n/g)].map((m) => m[0]).join('');
  const large = base.slice(0, devEnd) + devices.repeat(Math.ceil(1_000_000 / devices.length)) + base.slice(devEnd);
  const largeDoc = fresh(large);
  const largeErrors = validateDocument(schema, largeDoc).length;
  const parse1mb = await time(5, () => fresh(large), 1);
  const total1mb = await time(5, () => validateDocument(schema, fresh(large)), 1);
  const walk1mb = await time(5, () => validateDocument(schema, largeDoc), 1);

  // The corpus streamed as `vmctx rng` reads a file (no tree is built). Last, so that the
  // parser's calls to its handler saw only the tree builder until now, as in the editor.
  t0 = performance.now();
  for (const t of texts) validateText(schema, t);
  const corpusStreamedWarm = round(performance.now() - t0);

  // `vmctx rng` over the corpus, whole process.
  let cli: Record<string, unknown> = { skipped: 'dist/cli.js not built' };
  const cliJs = join(__dirname, '../dist/cli.js');
  if (existsSync(cliJs)) {
    const samples: number[] = [];
    let status: number | null = null;
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      const r = spawnSync(process.execPath, [cliJs, 'rng', SCHEMA, ...files.map((f) => join(CORPUS, f))], { encoding: 'utf8' });
      samples.push(performance.now() - s);
      status = r.status;
    }
    samples.sort((a, b) => a - b);
    cli = { runs: 3, p50_ms: round(samples[1]), min_ms: round(samples[0]), exit: status };
  }

  return {
    compile_domain_rng: { cold_ms: compileCold, ...compile },
    compiled_schema_cache: cacheLoad,
    validate_3kb: { bytes: small.length, ...validate3kb },
    validate_3kb_walk_only: walk3kb,
    corpus: { files: texts.length, invalid, first_pass_ms: corpusFirst, warm_ms: corpusWarm, streamed_warm_ms: corpusStreamedWarm },
    domain_1mb: { bytes: large.length, errors: largeErrors, parse_and_validate: total1mb, parse: parse1mb, validate_walk: walk1mb },
    cli_corpus_whole_process: cli,
    patterns_interned: schema.pool.size,
  };
}

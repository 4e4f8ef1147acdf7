// Whole-process figures, each next to the native tool doing the same work in the same run
// (median of three runs; wall time and peak RSS from /usr/bin/time when present):
// - `vmctx rng` over libvirt's own test-suite domain XMLs (the folders libvirt's
//   tests/virschematest.c checks against domain.rng), beside Jing and xmllint. The sources come
//   from `apt-get source libvirt` (deb-src derived from this machine's apt sources, into
//   bench/.cache); without apt it is skipped with the reason.
// - `vmctx build --only iso` of a 130 MB / 2,000-file context, beside genisoimage and `cp -r`.
// - `vmctx check` of the example and of 1,000 templates (with memory), beside xmllint on the same
//   1,000 templates.
// - rng and the 1,000-template check again on 1 and on 2 threads (VMCTX_THREADS): wall, CPU and
//   memory per extra thread (`npm run bench parallel`: these rows alone).
// - The extension's activation (module load + activate(), against a stand-in vscode module), and
//   `vmctx --version` / `--help` beside Node starting alone.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { largeContext } from './image.bench';
import { writeProject } from './domain.bench';
import { measureProcess, round } from './measure';

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(__dirname, '.cache');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Run {
  median_ms: number;
  runs_ms: number[];
  /** Median user + system CPU (wall time suffers most from a loaded machine). */
  median_cpu_ms: number;
  peak_rss_mib: number;
  exit: number | null;
}

/** Runs `cmd` three times after a warm-up (measureProcess), in this bench's field names. */
function measure(cmd: string, args: string[], options: { cwd?: string; before?: () => void; runs?: number } = {}): Run {
  const r = measureProcess(cmd, args, options);
  return { median_ms: r.wall_ms, runs_ms: r.wall_runs_ms, median_cpu_ms: r.cpu_ms, peak_rss_mib: r.peak_rss_mib, exit: r.exit };
}

const ratio = (a: Run, b: Run) => Math.round((a.median_ms / b.median_ms) * 100) / 100;

/**
 * The same vmctx command on 1 and on 2 threads (VMCTX_THREADS), beside the default choice: what
 * a second core gives in wall time, costs in CPU, and takes in memory per extra thread.
 */
function byThreads(args: string[], options: { cwd?: string } = {}) {
  const on = (n: number) => measure('env', [`VMCTX_THREADS=${n}`, process.execPath, CLI, ...args], options);
  const one = on(1);
  const two = on(2);
  return {
    threads_1: one,
    threads_2: two,
    wall_2_over_1: ratio(two, one),
    cpu_2_minus_1_ms: two.median_cpu_ms - one.median_cpu_ms,
    rss_per_extra_thread_mib: two.peak_rss_mib - one.peak_rss_mib,
  };
}

// libvirt's tests/virschematest.c, schemaDomain[]: the folders checked against domain.rng.
const DOMAIN_DIRS = [
  'tests/domainschemadata', 'tests/qemuxml2argvdata', 'tests/xmconfigdata', 'tests/qemuxml2xmloutdata', 'tests/lxcxml2xmldata',
  'tests/lxcxml2xmloutdata', 'tests/bhyvexml2argvdata', 'tests/bhyvexml2xmloutdata', 'tests/genericxml2xmlindata',
  'tests/genericxml2xmloutdata', 'tests/xlconfigdata', 'tests/libxlxml2domconfigdata', 'tests/qemuhotplugtestdomains',
  'tests/qemuhotplugtestcpus', 'tests/securityselinuxlabeldata', 'tests/domainconfdata', 'tests/lxcconf2xmldata',
  'tests/qemumemlockdata', 'tests/vmx2xmldata', 'tests/xml2vmxdata', 'tests/bhyveargv2xmldata', 'tests/qemuagentdata',
];

/** libvirt's source tree (Debian's source package), fetched once into the cache; a reason when it cannot be. */
function libvirtSource(): { dir: string } | { skipped: string } {
  const base = path.join(CACHE, 'libvirt-source');
  const done = path.join(base, '.complete');
  const find = () => readdirSync(base).find((d) => d.startsWith('libvirt-') && !d.endsWith('.tar.xz'));
  if (existsSync(done)) return { dir: path.join(base, find()!) };
  const sources = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'].find((f) => existsSync(f));
  if (!sources) return { skipped: 'no apt sources on this machine (needs Debian apt and `apt-get source libvirt`)' };
  rmSync(base, { recursive: true, force: true });
  const lists = path.join(base, 'apt', 'lists');
  const parts = path.join(base, 'apt', 'parts');
  mkdirSync(path.join(lists, 'partial'), { recursive: true });
  mkdirSync(parts, { recursive: true });
  // The machine's own mirrors, as deb-src: no host name is written here.
  const text = readFileSync(sources, 'utf8');
  if (sources.endsWith('.sources')) writeFileSync(path.join(parts, 'src.sources'), text.replace(/^Types:\s*deb\s*$/gm, 'Types: deb-src'));
  else writeFileSync(path.join(parts, 'src.list'), text.replace(/^deb\s/gm, 'deb-src '));
  const apt = ['-q', '-o', 'Dir::Etc::SourceList=/dev/null', '-o', `Dir::Etc::SourceParts=${parts}`, '-o', `Dir::State::Lists=${lists}`];
  const update = spawnSync('apt-get', [...apt, 'update'], { encoding: 'utf8' });
  if (update.status !== 0) return { skipped: `apt-get update for deb-src failed: ${(update.stderr || update.error?.message || '').trim().split('\n').pop()}` };
  const get = spawnSync('apt-get', [...apt, 'source', '--download-only', 'libvirt'], { cwd: base, encoding: 'utf8' });
  const orig = existsSync(base) ? readdirSync(base).find((f) => /^libvirt_.*\.orig\.tar\.xz$/.test(f)) : undefined;
  if (get.status !== 0 || !orig) return { skipped: `apt-get source libvirt failed: ${(get.stderr || get.error?.message || '').trim().split('\n').pop()}` };
  const tar = spawnSync('tar', ['-xJf', orig, '--wildcards', '*/tests/*', '*/examples/xml/*', '*/src/conf/schemas/*', '*/docs/schemas/*'], { cwd: base, encoding: 'utf8' });
  if (tar.status !== 0 && !find()) return { skipped: `cannot unpack ${orig}: ${tar.stderr.trim()}` };
  writeFileSync(done, '');
  return { dir: path.join(base, find()!) };
}

function libvirtDomainFiles(src: string): string[] {
  const files: string[] = [];
  for (const d of DOMAIN_DIRS) {
    const dir = path.join(src, d);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.xml')) files.push(path.join(dir, f));
  }
  const ex = path.join(src, 'examples/xml/test');
  if (existsSync(ex)) for (const f of readdirSync(ex).sort()) if (/^testdom.*\.xml$/.test(f)) files.push(path.join(ex, f));
  return files;
}

function rngCorpus() {
  const src = libvirtSource();
  if ('skipped' in src) return { skipped: src.skipped };
  const schema = ['src/conf/schemas/domain.rng', 'docs/schemas/domain.rng'].map((p) => path.join(src.dir, p)).find((p) => existsSync(p));
  if (!schema) return { skipped: `no domain.rng in ${src.dir}` };
  const files = libvirtDomainFiles(src.dir);
  // Relative paths keep the command line short (about 2,000+ files).
  const rel = files.map((f) => path.relative(src.dir, f));
  const schemaRel = path.relative(src.dir, schema);
  const vmctx = measure(process.execPath, [CLI, 'rng', schemaRel, ...rel], { cwd: src.dir });
  const threads = byThreads(['rng', schemaRel, ...rel], { cwd: src.dir });
  const jing = measure('jing', [schemaRel, ...rel], { cwd: src.dir });
  const xmllint = measure('xmllint', ['--noout', '--relaxng', schemaRel, ...rel], { cwd: src.dir });
  // The warm-up run fills the compiled-schema cache (~/.cache/vm-context): the runs measured read it.
  return {
    libvirt: path.basename(src.dir),
    files: files.length,
    cores: availableParallelism(),
    vmctx,
    jing,
    xmllint,
    vmctx_over_jing: ratio(vmctx, jing),
    vmctx_over_xmllint: ratio(vmctx, xmllint),
    vmctx_by_threads: threads,
    schema_cache: 'warm',
    goal: '≤ 0.25× Jing',
  };
}

/**
 * The same work on each side, each run into a fresh output: `vmctx build --only iso` of the
 * example with 2,000 files (130 MB) added to its context (the whole process: the check of the
 * ISO's inputs, the scan, the image with Joliet and Rock Ridge, the build record with each
 * file's identity and sector for the next build; build/ removed before each run), the same with
 * --force over the image in place (a rebuild: the rename replaces an image), genisoimage -R -J of the same
 * folder (its image removed first), and `cp -r` of it (its copy removed first). Wall time and
 * CPU (user + system) of the median run, and beside them the floors under vmctx: `node -e 0`,
 * bench/isoFloor.cjs (Node listing the folder and appending every file to one file, nothing else:
 * the least CPU), and bench/isoFloorParallel.cjs (the same copy with each file at a sector,
 * pipelined as the embedded writer copies: the next window read while the thread pool writes the
 * last one).
 */
export function isoBuild() {
  const project = path.join(CACHE, 'iso-project');
  if (!existsSync(path.join(project, '.complete'))) {
    rmSync(project, { recursive: true, force: true });
    cpSync(path.join(ROOT, 'examples', 'snooze-cluster'), project, { recursive: true, filter: (s) => !s.includes(`${path.sep}build`) });
    cpSync(largeContext(), path.join(project, 'context', 'bulk'), { recursive: true, filter: (s) => !s.endsWith('.complete') });
    writeFileSync(path.join(project, '.complete'), '');
  }
  const out = path.join(CACHE, 'iso-out');
  mkdirSync(out, { recursive: true });
  const context = path.join(project, 'context');
  const vmctx = measure(process.execPath, [CLI, 'build', project, '--only', 'iso'], { before: () => rmSync(path.join(project, 'build'), { recursive: true, force: true }) });
  // A rebuild (--force) over the image of the run before: the rename over an existing image
  // frees the old image's cached pages and makes ext4 start writing the new one out
  // (auto_da_alloc): 62 to 72 ms of rename(2) for 130 MB here by strace, the old image clean
  // (about 45 ms the freeing, 25 ms the writeback, apart). An atomic replacement pays it.
  const rebuild = measure(process.execPath, [CLI, 'build', project, '--only', 'iso', '--force']);
  const image = path.join(out, 'genisoimage.iso');
  const genisoimage = measure('genisoimage', ['-quiet', '-R', '-J', '-o', image, context], { before: () => rmSync(image, { force: true }) });
  const copy = path.join(out, 'copy');
  const cp = measure('cp', ['-r', context, copy], { before: () => rmSync(copy, { recursive: true, force: true }) });
  // The floors under vmctx, measured in the same run: Node starting alone, and a minimal Node
  // script that lists the folder and appends every file's bytes to one file (isoFloor.cjs).
  const node = measure(process.execPath, ['-e', '0']);
  const floorOut = path.join(out, 'floor.bin');
  const floor = measure(process.execPath, [path.join(__dirname, 'isoFloor.cjs'), context, floorOut], { before: () => rmSync(floorOut, { force: true }) });
  const parallelFloor = measure(process.execPath, [path.join(__dirname, 'isoFloorParallel.cjs'), context, floorOut], { before: () => rmSync(floorOut, { force: true }) });
  return {
    vmctx_build_only_iso: vmctx,
    vmctx_rebuild_over_the_image: rebuild,
    genisoimage,
    cp_r: cp,
    node_alone: node,
    node_read_and_append_floor: floor,
    node_pipelined_copy_floor: parallelFloor,
    vmctx_over_genisoimage: ratio(vmctx, genisoimage),
    floor_over_genisoimage: ratio(floor, genisoimage),
    pipelined_floor_over_genisoimage: ratio(parallelFloor, genisoimage),
    vmctx_over_floor: ratio(vmctx, floor),
    vmctx_minus_floor: { wall_ms: vmctx.median_ms - floor.median_ms, cpu_ms: vmctx.median_cpu_ms - floor.median_cpu_ms },
    vmctx_minus_pipelined_floor: { wall_ms: vmctx.median_ms - parallelFloor.median_ms, cpu_ms: vmctx.median_cpu_ms - parallelFloor.median_cpu_ms },
    between_floor_and_vmctx:
      "the floors only list, read and write: vmctx also loads its bundle, loads the project and checks the ISO's inputs (the build gate), scans the context (lstat of every entry), lays out ISO 9660 + Joliet + Rock Ridge, writes the image through a temporary file and renames it, and writes the build record",
    goal: '≤ 1.0× genisoimage',
  };
}

function checks(withExample = true) {
  const node = process.execPath;
  const example = withExample ? measure(node, [CLI, 'check', path.join(ROOT, 'examples', 'snooze-cluster')]) : undefined;
  const exampleNoCodeCache = withExample ? measure('env', ['VMCTX_CODE_CACHE=off', node, CLI, 'check', path.join(ROOT, 'examples', 'snooze-cluster')]) : undefined;
  // Start-up, the domain schema's compile and one template: subtracted from the 1,000-template
  // run, what is left is the per-template work alone.
  const one = writeProject(1);
  const dir = writeProject(1000);
  try {
    const templates = readdirSync(path.join(dir, 'templates')).map((f) => path.join('templates', f));
    const vmctx = measure(node, [CLI, 'check', dir]);
    const threads = byThreads(['check', dir]);
    const vmctxOne = measure(node, [CLI, 'check', one]);
    const schema = path.join(ROOT, 'schemas', 'domain-template.rng');
    const libvirtSchema = '/usr/share/libvirt/schemas/domain.rng';
    const xmllint = measure('xmllint', ['--noout', '--relaxng', existsSync(libvirtSchema) ? libvirtSchema : schema, ...templates], { cwd: dir });
    const less = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.round(a - b) : undefined);
    return {
      ...(example && { check_example_3_templates: { ...example, without_code_cache: exampleNoCodeCache, goal: '≤ 250 ms' } }),
      check_1000_templates: {
        cores: availableParallelism(),
        vmctx,
        vmctx_by_threads: threads,
        vmctx_one_template: vmctxOne,
        templates_only_ms: less(vmctx.median_ms, vmctxOne.median_ms),
        templates_only_cpu_ms: less(vmctx.median_cpu_ms, vmctxOne.median_cpu_ms),
        xmllint_same_templates: xmllint,
        vmctx_over_xmllint: ratio(vmctx, xmllint),
        goal: '≤ 800 ms',
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(one, { recursive: true, force: true });
  }
}

/** `vmctx --version` and `--help` should cost little more than Node starting (with the code cache its warm-up run fills; and without). */
function cliStartup() {
  const node = process.execPath;
  return {
    vmctx_version: measure(node, [CLI, '--version'], { runs: 5 }),
    vmctx_version_without_code_cache: measure('env', ['VMCTX_CODE_CACHE=off', node, CLI, '--version'], { runs: 5 }),
    vmctx_help: measure(node, [CLI, '--help'], { runs: 5 }),
    node_alone: measure(node, ['-e', '0'], { runs: 5 }),
    ...extraCaCertsCost(node),
  };
}

/**
 * Node 20 reads and parses the CA bundle NODE_EXTRA_CA_CERTS names when it starts, before any of
 * our code runs (strace shows the open before the bundle's): every Node row above pays it where
 * the shell sets it, as some sandboxes and corporate machines do (20-30 ms in this VM, 2026-11-30).
 * Measured so a reader can tell it from our own start-up; the rows keep the user's environment.
 */
function extraCaCertsCost(node: string) {
  const bundle = process.env.NODE_EXTRA_CA_CERTS;
  if (!bundle) return {};
  return { node_alone_without_NODE_EXTRA_CA_CERTS: { ...measure('env', ['-u', 'NODE_EXTRA_CA_CERTS', node, '-e', '0'], { runs: 5 }), note: `this shell sets NODE_EXTRA_CA_CERTS=${bundle}, which every Node row above reads at start` } };
}

type ProbeField = 'require_ms' | 'activate_ms' | 'total_ms' | 'require_cpu_ms' | 'activate_cpu_ms';

/** The activation probe five times after a warm-up (which fills the code cache), medians. */
function probeActivation(env: NodeJS.ProcessEnv = {}) {
  const samples: Array<Record<ProbeField, number> & { error?: string }> = [];
  for (let i = 0; i <= 5; i++) {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'activationProbe.cjs')], { encoding: 'utf8', env: { ...process.env, ...env } });
    if (i > 0) samples.push(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'));
  }
  const med = (k: ProbeField) => round(samples.map((s) => s[k]).sort((a, b) => a - b)[2]);
  const fields: ProbeField[] = ['require_ms', 'activate_ms', 'total_ms', 'require_cpu_ms', 'activate_cpu_ms'];
  return { ...Object.fromEntries(fields.map((k) => [k, med(k)])), error: samples.find((s) => s.error)?.error };
}

function activation() {
  return { ...probeActivation(), without_code_cache: probeActivation({ VMCTX_CODE_CACHE: 'off' }), goal: '≤ 50 ms' };
}

/**
 * `npm run bench rng-process`: the RELAX NG engine's whole-process rows alone (well under three
 * minutes): `vmctx rng` over libvirt's test suite beside Jing and xmllint, and `vmctx check` of
 * the example, both with a warm compiled-schema cache.
 */
export async function runRng() {
  return { rng_libvirt_test_suite: rngCorpus(), check_example_3_templates: { ...measure(process.execPath, [CLI, 'check', path.join(ROOT, 'examples', 'snooze-cluster')]), schema_cache: 'warm', goal: '≤ 250 ms' } };
}

/** `npm run bench parallel`: the rows of many files (rng over libvirt's test suite, check of 1,000 templates) alone. */
export async function runParallel() {
  return { rng_libvirt_test_suite: rngCorpus(), ...checks(false) };
}

/** `npm run bench startup`: the start-up, check and activation rows alone (a minute or two). */
export async function runStartup() {
  return { ...checks(), cli_startup: cliStartup(), extension_activation: activation() };
}

export async function run() {
  return { rng_libvirt_test_suite: rngCorpus(), iso: isoBuild(), ...(await runStartup()) };
}

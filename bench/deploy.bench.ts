// Deploy at scale (issue #14), whole `vmctx deploy --dry-run` processes (dist/cli.js) against
// virsh's test driver, each beside the native tools doing the host's side of the same work in
// the same run (median of three after a warm-up; wall, CPU and peak RSS from GNU time):
// - 5,000 VMs to an empty host (`test:///default`: every file and domain to send), and to a
//   host that already defines the 5,000 domains as deployed (a test-driver node file, so the
//   listing reads 5,000 domains and their deploy hashes); anchor: `virsh list --all` plus one
//   virsh session dumping the 5,000 domains' XML (no loop of processes).
// - a 2 TB sparse base (`truncate -s 2T`, costs no disk), deployed once for real (the copies
//   keep their holes), then the dry run of the unchanged project, which must read no image
//   data (its read bytes from /proc/PID/io); anchor: `qemu-img info` and `stat` of the base.
// The projects and the host state are generated once into bench/.cache (ignored), in folders
// named by GENERATOR: change what is generated, bump it, and the next run regenerates.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { measureProcess, round } from './measure';
import { prepareDomainXml } from '../src/core/deploy/deployDomainXml';

const GENERATOR = 2;
const REPO = join(__dirname, '..');
const CLI = join(REPO, 'dist', 'cli.js');
const CACHE = join(__dirname, '.cache');
const EXAMPLE = join(REPO, 'examples', 'snooze-cluster');
const VMS = 5000;

const say = (message: string) => process.stderr.write(`deploy bench: ${message}\n`);

function vmName(i: number): string {
  return `vm${String(i).padStart(4, '0')}`;
}

function template(example: string, i: number): string {
  const name = vmName(i);
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const uuid = `7092c347-9628-4238-87dc-${i.toString(16).padStart(12, '0')}`;
  const mac = `00:16:3e:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`;
  return example
    .replace('<name>debian1</name>', `<name>${name}</name>`)
    .replace(/<uuid>[^<]+<\/uuid>/, `<uuid>${uuid}</uuid>`)
    .replace('debian1.qcow2', `${name}.qcow2`)
    .replace(/<mac address='[^']+'\/>/, `<mac address='${mac}'/>`);
}

/** A whole `vmctx` process, once: exit code, output, wall time, and the bytes it read (rchar, polled from /proc). */
function vmctxOnce(args: string[]): Promise<{ ms: number; code: number | null; stdout: string; stderr: string; readBytes?: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let readBytes: number | undefined;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        readBytes = Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${child.pid}/io`, 'utf8'))?.[1]);
      } catch {
        // gone
      }
    }, 10);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ ms: round(performance.now() - t0), code, stdout, stderr, readBytes });
    });
  });
}

function removeOtherGenerations(keep: string[]): void {
  for (const name of existsSync(CACHE) ? readdirSync(CACHE) : []) {
    if (/^deploy-/.test(name) && !keep.includes(name)) {
      say(`removing ${name} (another generator version)`);
      rmSync(join(CACHE, name), { recursive: true, force: true });
    }
  }
}

/** The example with a sparse base image of `baseBytes`, `templates` generated templates (else its own), built. */
async function project(dir: string, baseBytes: number, templates: number | undefined, hostUris: string[]): Promise<Record<string, number>> {
  const done = join(dir, '.complete');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  say(`generating ${basename(dir)} (once; kept in bench/.cache)`);
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[\\/]build$/.test(src) });
  const manifest = JSON.parse(readFileSync(join(dir, 'vmcontext.json'), 'utf8'));
  if (templates) {
    rmSync(join(dir, 'templates'), { recursive: true });
    mkdirSync(join(dir, 'templates'));
    const example = readFileSync(join(EXAMPLE, 'templates', 'debian1.xml'), 'utf8');
    for (let i = 1; i <= templates; i++) writeFileSync(join(dir, 'templates', `${vmName(i)}.xml`), template(example, i));
    // 5,000 MAC-encoded addresses do not fit the example's /24.
    manifest.addressing = 'dhcp';
  }
  // One folder for the files whatever the host: the dry runs pick their host with --connect.
  manifest.hosts = hostUris.map((uri) => ({ uri, directory: join(dir, 'host') }));
  writeFileSync(join(dir, 'vmcontext.json'), JSON.stringify(manifest, null, 2));
  const base = join(dir, 'images', 'debian-base.raw');
  writeFileSync(base, '');
  truncateSync(base, baseBytes);
  say(`building ${basename(dir)}${templates ? ` (${templates} overlays)` : ''}`);
  const build = await vmctxOnce(['build', dir, '--iso-backend', 'embedded', '--overlay-backend', 'embedded']);
  if (build.code !== 0) throw new Error(`vmctx build ${dir} failed:\n${build.stderr.slice(-2000)}`);
  const figures: Record<string, number> = { build_ms: build.ms };
  writeFileSync(done, JSON.stringify(figures));
  return figures;
}

/**
 * A test-driver node file defining the 5,000 domains as `vmctx deploy` would have (their deploy
 * hash, over the XML with the host's paths), all shut off: what a second deploy finds.
 */
function deployedHost(dir: string): string {
  const file = join(dir, 'host.xml');
  if (existsSync(file)) return file;
  say(`writing the test driver's host state (${VMS} defined domains)`);
  const hostDir = join(dir, 'host');
  const parts = ['<node>'];
  for (let i = 1; i <= VMS; i++) {
    const text = readFileSync(join(dir, 'templates', `${vmName(i)}.xml`), 'utf8');
    const sources = new Map<string, string>();
    for (const m of text.matchAll(/<source file='([^']+\.(?:qcow2|iso))'\/>/g)) sources.set(m[1], join(hostDir, basename(m[1])));
    const { hash } = prepareDomainXml(text, sources);
    const uuid = /<uuid>([^<]+)<\/uuid>/.exec(text)![1];
    parts.push(
      `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>${vmName(i)}</name><uuid>${uuid}</uuid>` +
        `<memory>65536</memory><os><type>hvm</type></os><metadata><vmctx:deploy xmlns:vmctx="urn:vm-context:deploy:1" hash="${hash}"/></metadata>` +
        `<test:runstate>5</test:runstate></domain>`,
    );
  }
  parts.push('</node>\n');
  writeFileSync(file, parts.join('\n'));
  return file;
}

/** `N changes` and the counts of the plan's step kinds, from the dry run's output. */
function planCounts(stdout: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of stdout.matchAll(/^ {2}(\w+) /gm)) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  counts.changes = Number(/^(\d+) changes?$/m.exec(stdout)?.[1] ?? 0);
  return counts;
}

function dryRun(dir: string, extra: string[] = []) {
  const r = measureProcess(process.execPath, [CLI, 'deploy', dir, '--dry-run', ...extra]);
  if (r.exit !== 0) throw new Error(`vmctx deploy --dry-run ${dir} failed:\n${r.stderr.slice(-2000)}`);
  const { stdout, stderr: _stderr, ...figures } = r;
  return { ...figures, plan: planCounts(stdout) };
}

function anchor(cmd: string, args: string[], input?: string) {
  const r = measureProcess(cmd, args, { input });
  if (r.exit !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr.slice(-1000)}`);
  const { stdout, stderr: _stderr, ...figures } = r;
  return { ...figures, output_bytes: stdout.length };
}

export async function run() {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run bench builds it');
  const t0 = performance.now();
  const manyName = `deploy-${VMS}-g${GENERATOR}`;
  const bigName = `deploy-2tb-g${GENERATOR}`;
  removeOtherGenerations([manyName, bigName]);
  const many = join(CACHE, manyName);
  const nodeUri = `test://${join(many, 'host.xml')}`;
  const manyFigures = await project(many, 8 << 20, VMS, ['test:///default', nodeUri]);
  deployedHost(many);

  say(`dry run of ${VMS} VMs to an empty host (test:///default), 1 + 3 runs`);
  const empty = dryRun(many, ['--connect', 'test:///default']);
  say(`dry run of ${VMS} VMs to a host that defines them (test driver node file), 1 + 3 runs`);
  const deployed = dryRun(many, ['--connect', nodeUri]);
  say('anchor: virsh list --all, and one virsh session dumping the 5,000 domains');
  const list = anchor('virsh', ['-q', `--connect=${nodeUri}`, 'list', '--all']);
  const dumps = Array.from({ length: VMS }, (_, i) => `dumpxml --inactive --domain ${vmName(i + 1)}\n`).join('');
  const dumpxml = anchor('virsh', ['-q', `--connect=${nodeUri}`], dumps);

  const big = join(CACHE, bigName);
  const df = Number(spawnSync('df', ['-B1', '--output=avail', CACHE], { encoding: 'utf8' }).stdout.trim().split('\n')[1]);
  const bigFigures = await project(big, 2 * 2 ** 40, undefined, ['test:///default']);
  const copy = join(big, 'host', 'debian-base.raw');
  if (!existsSync(copy)) {
    say('deploying the 2 TB project once for real (sparse copies into its host folder)');
    const deploy = await vmctxOnce(['deploy', big]);
    if (deploy.code !== 0) throw new Error(`vmctx deploy failed:\n${deploy.stderr.slice(-2000)}`);
    bigFigures.deploy_ms = deploy.ms;
    writeFileSync(join(big, '.complete'), JSON.stringify(bigFigures));
  }
  const copyStat = statSync(copy);
  say('dry run with the 2 TB base, 1 + 3 runs');
  const sparse = dryRun(big);
  const reads = await vmctxOnce(['deploy', big, '--dry-run']);
  const base = join(big, 'images', 'debian-base.raw');
  say('anchor: qemu-img info and stat of the 2 TB base');
  const qemuImg = anchor('qemu-img', ['info', '--output=json', base]);
  const stat = anchor('stat', [base]);

  return {
    load_average_at_end: os.loadavg().map((l) => round(l)),
    bench_ms: Math.round(performance.now() - t0),
    dry_run_5000_vms: {
      generated_once: manyFigures,
      empty_host: empty,
      host_defining_them: deployed,
      anchor_virsh_list_all: list,
      anchor_virsh_dumpxml_5000_one_session: dumpxml,
    },
    dry_run_2tb_sparse_base: {
      disk_available_bytes: df,
      generated_once: bigFigures,
      copy_size_bytes: copyStat.size,
      copy_allocated_bytes: copyStat.blocks * 512,
      dry_run: sparse,
      dry_run_read_bytes: reads.readBytes,
      anchor_qemu_img_info: qemuImg,
      anchor_stat: stat,
    },
  };
}

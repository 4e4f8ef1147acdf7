// Deploy at scale, whole `vmctx deploy --dry-run` processes (dist/cli.js) against virsh's
// test driver (`test:///default`, nothing to set up):
// - 5,000 VMs: a generated project (bench/.cache/deploy-5000, built once with `vmctx build`);
// - a 2 TB sparse base (`truncate -s 2T`, costs no disk): first deployed for real to a
//   directory (the copies keep their holes), then the dry run of the unchanged project, which
//   must read no image data (its read bytes are measured from /proc/PID/io).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { round } from './measure';

const REPO = join(__dirname, '..');
const CLI = join(REPO, 'dist', 'cli.js');
const CACHE = join(__dirname, '.cache');
const EXAMPLE = join(REPO, 'examples', 'snooze-cluster');
const VMS = 5000;

/** Runs the CLI; returns the wall time, the exit code, stdout, the bytes it read and its CPU time. */
function vmctx(args: string[]): Promise<{ ms: number; code: number | null; stdout: string; readBytes?: number; cpuMs?: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let readBytes: number | undefined;
    let cpuMs: number | undefined;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', () => undefined);
    // rchar of the process, read just before it exits: every byte read() returned, holes included.
    const poll = setInterval(() => {
      try {
        readBytes = Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${child.pid}/io`, 'utf8'))?.[1]);
        // utime, stime and those of its finished children (virsh), in clock ticks (100 a second):
        // on a busy machine the wall time says little, the CPU time is the work done.
        const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        cpuMs = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
      } catch {
        // gone
      }
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ ms: round(performance.now() - t0), code, stdout, readBytes, cpuMs });
    });
  });
}

function template(i: number): string {
  const name = `vm${String(i).padStart(4, '0')}`;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const uuid = `7092c347-9628-4238-87dc-${i.toString(16).padStart(12, '0')}`;
  const mac = `00:16:3e:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`;
  return readFileSync(join(EXAMPLE, 'templates', 'debian1.xml'), 'utf8')
    .replace('<name>debian1</name>', `<name>${name}</name>`)
    .replace(/<uuid>[^<]+<\/uuid>/, `<uuid>${uuid}</uuid>`)
    .replace('debian1.qcow2', `${name}.qcow2`)
    .replace(/<mac address='[^']+'\/>/, `<mac address='${mac}'/>`);
}

/** The example with a base image of `baseBytes` (sparse), its own templates, built once. */
async function project(dir: string, baseBytes: number, templates: number | undefined): Promise<string> {
  const done = join(dir, '.complete');
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[\\/]build$/.test(src) });
  const manifest = JSON.parse(readFileSync(join(dir, 'vmcontext.json'), 'utf8'));
  if (templates) {
    rmSync(join(dir, 'templates'), { recursive: true });
    mkdirSync(join(dir, 'templates'));
    for (let i = 1; i <= templates; i++) writeFileSync(join(dir, 'templates', `vm${String(i).padStart(4, '0')}.xml`), template(i));
    // 5,000 MAC-encoded addresses do not fit the example's /24.
    manifest.addressing = 'dhcp';
  }
  manifest.hosts = [{ uri: 'test:///default', directory: join(dir, 'host') }];
  writeFileSync(join(dir, 'vmcontext.json'), JSON.stringify(manifest, null, 2));
  const base = join(dir, 'images', 'debian-base.raw');
  writeFileSync(base, '');
  truncateSync(base, baseBytes);
  const t0 = performance.now();
  const build = await vmctx(['build', dir, '--iso-backend', 'embedded', '--overlay-backend', 'embedded']);
  if (build.code !== 0) throw new Error(`vmctx build ${dir} failed:\n${build.stdout}`);
  writeFileSync(done, `${round(performance.now() - t0)}\n`);
  return dir;
}

async function dryRun(dir: string, runs: number) {
  const samples = [];
  const cpu = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = await vmctx(['deploy', dir, '--dry-run']);
    if (last.code !== 0) throw new Error(`vmctx deploy --dry-run failed:\n${last.stdout.slice(-2000)}`);
    samples.push(last.ms);
    cpu.push(last.cpuMs ?? NaN);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    runs,
    p50_ms: samples[Math.floor(runs / 2)],
    max_ms: samples[runs - 1],
    cpu_p50_ms: cpu[Math.floor(runs / 2)],
    read_bytes: last!.readBytes,
    load_average: os.loadavg()[0],
    plan_tail: last!.stdout.trim().split('\n').at(-1),
  };
}

export async function run() {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run bench builds it');
  const many = await project(join(CACHE, `deploy-${VMS}`), 8 << 20, VMS);
  const dry_run_5000_vms = { build_once_ms: Number(readFileSync(join(many, '.complete'), 'utf8')), ...(await dryRun(many, 3)) };

  const df = execFileSync('df', ['-B1', '--output=avail', CACHE], { encoding: 'utf8' }).trim().split('\n')[1];
  const big = await project(join(CACHE, 'deploy-2tb'), 2 * 2 ** 40, undefined);
  // Deployed once for real (copies into host/, domains into the test driver, which forgets them).
  rmSync(join(big, 'host'), { recursive: true, force: true });
  const deploy = await vmctx(['deploy', big]);
  if (deploy.code !== 0) throw new Error(`vmctx deploy failed:\n${deploy.stdout}`);
  const copy = statSync(join(big, 'host', 'debian-base.raw'));
  const dry_run_2tb_sparse_base = {
    disk_available_bytes: Number(df),
    deploy_ms: deploy.ms,
    copy_size_bytes: copy.size,
    copy_allocated_bytes: copy.blocks * 512,
    ...(await dryRun(big, 5)),
  };
  return { dry_run_5000_vms, dry_run_2tb_sparse_base };
}

// Runs the deploy against libvirt hosts with `virsh` (through execa: argument arrays, no
// shell): probes what a host holds, runs a plan's steps, and the domain actions of the
// explorer (start, shut down, undefine). Parsing and planning are pure (core/deploy).
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile, chmod } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, UserError } from '../common/errors';
import { isNoDomainError, isNoVolumeError, parseDeployMetadataHash, parseDomInfo, parsePoolTargetPath, parseVolInfo, type DomainState } from '../deploy/virshOutput';
import { placeFiles, type DeployStep, type HostPlan, type HostState, type TargetHost, type VmSpec, type HostFileState } from '../deploy/deployPlan';
import { sha256File } from './fileHash';

export interface VirshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * One virsh call against one connection URI. Tests pass a fake. Every value that comes from a
 * file (VM, pool and volume names, paths) goes after its option (`--domain NAME`, `--file F`),
 * where virsh takes it as the value even when it starts with `-`: `<name>--help</name>` is
 * looked up as a domain, never read as an option.
 */
export type VirshRunner = (uri: string, args: string[], options?: { signal?: AbortSignal }) => Promise<VirshResult>;

/** Volumes up to this size are downloaded and hashed to compare them; bigger ones by capacity. */
export const REMOTE_HASH_LIMIT = 64 * 1024 * 1024;

export function execaVirsh(virsh = 'virsh'): VirshRunner {
  return async (uri, args, options = {}) => {
    // execa is ESM-only; a dynamic import keeps this CommonJS module loadable (esbuild bundles it).
    const { execa } = await import('execa');
    const r = await execa(virsh, ['-q', `--connect=${uri}`, ...args], {
      reject: false,
      stdin: 'ignore',
      cancelSignal: options.signal,
      forceKillAfterDelay: 2000,
      encoding: 'utf8',
      env: { LC_ALL: 'C' },
    });
    if (r.isCanceled) throw new CancelledError();
    if ((r as { code?: string }).code === 'ENOENT') {
      throw new UserError(`virsh was not found ("${virsh}")`, 'Install the Debian package libvirt-clients, or set vmContext.tools.virsh.');
    }
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  };
}

async function virshOk(run: VirshRunner, uri: string, args: string[], signal?: AbortSignal): Promise<string> {
  const r = await run(uri, args, { signal });
  if (r.exitCode !== 0) throw new UserError(`virsh -c ${uri} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim() || `exit status ${r.exitCode}`}`);
  return r.stdout;
}

export interface DomainStatus {
  name: string;
  /** undefined: not defined on that host. */
  uuid?: string;
  state: DomainState | 'absent';
  deployHash?: string;
}

/** The state of one domain on a host (`absent` when it is not defined there). */
export async function domainStatus(run: VirshRunner, uri: string, name: string, signal?: AbortSignal): Promise<DomainStatus> {
  const info = await run(uri, ['dominfo', '--domain', name], { signal });
  if (info.exitCode !== 0) {
    if (isNoDomainError(info.stderr)) return { name, state: 'absent' };
    throw new UserError(`virsh -c ${uri} dominfo ${name} failed: ${info.stderr.trim()}`);
  }
  const d = parseDomInfo(info.stdout);
  const xml = await run(uri, ['dumpxml', '--inactive', '--domain', name], { signal });
  return { name, uuid: d.uuid, state: d.state, deployHash: xml.exitCode === 0 ? parseDeployMetadataHash(xml.stdout) : undefined };
}

async function localFileState(file: string): Promise<HostFileState | undefined> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  return { size: st.size, sha256: await sha256File(file) };
}

async function volumeState(run: VirshRunner, uri: string, pool: string, volume: string, signal?: AbortSignal): Promise<HostFileState | undefined> {
  const r = await run(uri, ['vol-info', '--bytes', '--pool', pool, '--vol', volume], { signal });
  if (r.exitCode !== 0) {
    if (isNoVolumeError(r.stderr)) return undefined;
    throw new UserError(`virsh -c ${uri} vol-info --pool ${pool} ${volume} failed: ${r.stderr.trim()}`);
  }
  const info = parseVolInfo(r.stdout);
  if (info.capacity === undefined || info.capacity > REMOTE_HASH_LIMIT) return { capacity: info.capacity };
  // Small volumes (context.iso, fresh overlays) are fetched and hashed: sizes alone miss edits.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vmctx-vol-'));
  try {
    const file = path.join(dir, 'volume');
    await virshOk(run, uri, ['vol-download', '--pool', pool, '--vol', volume, '--file', file], signal);
    const st = await stat(file);
    return { size: st.size, sha256: await sha256File(file), capacity: info.capacity };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the host holds of the given VMs: their domains and the files their placement names. */
export async function probeHost(run: VirshRunner, host: TargetHost, vms: VmSpec[], signal?: AbortSignal): Promise<HostState> {
  const state: HostState = { uri: host.uri, domains: {}, files: {} };
  if (host.pool) state.poolPath = parsePoolTargetPath(await virshOk(run, host.uri, ['pool-dumpxml', '--pool', host.pool], signal));
  const mine = vms.filter((v) => host.vms.includes(v.name));
  for (const { hostPath, volume } of placeFiles(mine, host, state.poolPath).placements) {
    state.files[hostPath] = host.pool && volume ? await volumeState(run, host.uri, host.pool, volume, signal) : await localFileState(hostPath);
  }
  for (const vm of mine) {
    const d = await domainStatus(run, host.uri, vm.name, signal);
    if (d.state !== 'absent') state.domains[vm.name] = { uuid: d.uuid!, state: d.state, deployHash: d.deployHash };
  }
  return state;
}

/** Copies next to the target and renames, so a reader never sees half a file. */
async function copyLocal(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  const tmp = path.join(path.dirname(to), `.${path.basename(to)}.vmctx-${process.pid}`);
  try {
    await copyFile(from, tmp);
    await chmod(tmp, 0o644);
    await rename(tmp, to);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function runStep(run: VirshRunner, uri: string, step: DeployStep, signal?: AbortSignal): Promise<void> {
  switch (step.kind) {
    case 'send':
      if (step.pool && step.volume) {
        if (step.reason === 'absent') {
          // Created raw: vol-upload then writes the bytes as they are (a qcow2 overlay stays one).
          await virshOk(run, uri, ['vol-create-as', '--pool', step.pool, '--name', step.volume, '--capacity', String(step.bytes), '--format', 'raw'], signal);
        }
        await virshOk(run, uri, ['vol-upload', '--pool', step.pool, '--vol', step.volume, '--file', step.from], signal);
      } else await copyLocal(step.from, step.to);
      return;
    case 'define': {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'vmctx-define-'));
      try {
        // A fixed name: the VM's name is no path.
        const file = path.join(dir, 'domain.xml');
        await writeFile(file, step.xml);
        await virshOk(run, uri, ['define', '--validate', '--file', file], signal);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      return;
    }
    case 'start':
      await virshOk(run, uri, ['start', '--domain', step.vm], signal);
      return;
    case 'keep-file':
    case 'keep-domain':
      return;
  }
}

/** Runs one host's steps in order; stops at the first failure. */
export async function applyHostPlan(
  run: VirshRunner,
  host: HostPlan,
  options: { signal?: AbortSignal; onStep?(step: DeployStep): void } = {},
): Promise<number> {
  let changed = 0;
  for (const step of host.steps) {
    if (options.signal?.aborted) throw new CancelledError();
    if (step.kind === 'keep-file' || step.kind === 'keep-domain') continue;
    options.onStep?.(step);
    await runStep(run, host.uri, step, options.signal);
    changed++;
  }
  return changed;
}

export type DomainAction = 'start' | 'shutdown' | 'destroy' | 'undefine';

/** Start / Shut down / Undefine of the explorer. */
export async function domainAction(run: VirshRunner, uri: string, name: string, action: DomainAction, signal?: AbortSignal): Promise<void> {
  await virshOk(run, uri, [action, '--domain', name], signal);
}

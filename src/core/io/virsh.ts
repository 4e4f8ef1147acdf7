// Runs the deploy against libvirt hosts with `virsh` (through execa: argument arrays, no
// shell): probes what a host holds, runs a plan's steps, and the domain actions of the
// explorer (start, shut down, undefine). Parsing and planning are pure (core/deploy).
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CancelledError, UserError } from '../common/errors';
import { parseDeployMetadataHash, parseDomainState, parseListAll, parsePoolTargetPath, parseUuidNameList, parseVolInfo, virshQuote, type DomainListEntry, type DomainState } from '../deploy/virshOutput';
import { placeFiles, type DeployStep, type HostDomainState, type HostFileState, type HostPlan, type HostState, type Placement, type TargetHost, type VmSpec } from '../deploy/deployPlan';
import { FileHashCache, sha256File } from './fileHashCache';
import { copySparse } from './sparseCopy';
import { makeTempFolder } from './atomicFile';

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

/**
 * A batch stays below Linux's limit for one argument (128 KiB). Each virsh process costs a
 * connection (an ssh login; the test driver parses its whole node file), so a batch is as big
 * as that limit allows: 5,000 VMs' domstate + dumpxml take 6 processes.
 */
const BATCH_MAX_CHARS = 120_000;
const BATCH_MAX_COMMANDS = 4000;

/** Words virsh's command-string parser reads as they are: sent unquoted (shorter batches); options stay quoted as before. */
const PLAIN_WORD = /^[A-Za-z0-9_./:@+,][A-Za-z0-9_./:@=+,-]*$/;

/**
 * Runs several virsh commands in one virsh process, so one connection (one ssh login for a
 * remote host): virsh reads a single argument as its own command language, `cmd ; cmd`, and
 * each argument is quoted for that parser (no shell is involved). Each command is followed by
 * `echo MARK` to split the output. Returns each command's stdout; '' for a command that
 * failed (virsh goes on with the next one and prints the error on stderr).
 */
export async function virshBatch(run: VirshRunner, uri: string, commands: string[][], signal?: AbortSignal): Promise<string[]> {
  const mark = `@@vmctx-${randomBytes(6).toString('hex')}@@`;
  const out: string[] = [];
  let i = 0;
  while (i < commands.length) {
    const parts: string[] = [];
    let length = 0;
    while (i < commands.length && parts.length < BATCH_MAX_COMMANDS) {
      const quoted = commands[i].map((a) => (PLAIN_WORD.test(a) ? a : virshQuote(a)));
      if (quoted.some((q) => q === undefined)) break;
      const text = `${quoted.join(' ')} ; echo ${mark}`;
      if (parts.length && length + text.length + 3 > BATCH_MAX_CHARS) break;
      parts.push(text);
      length += text.length + 3;
      i++;
    }
    if (parts.length === 0) {
      // An argument virsh's parser cannot carry as text: this command alone, as an argument array.
      const r = await run(uri, commands[i++], { signal });
      out.push(r.exitCode === 0 ? r.stdout : '');
      continue;
    }
    const r = await run(uri, [parts.join(' ; ')], { signal });
    const chunks = r.stdout.split(mark);
    if (chunks.length !== parts.length + 1) {
      throw new UserError(`virsh -c ${uri} (${parts.length} commands in one session) failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') || `exit status ${r.exitCode}`}`);
    }
    out.push(...chunks.slice(0, parts.length));
  }
  return out;
}

/**
 * The domains of `names` that a host defines, with UUID, state and deploy hash, in two virsh
 * processes whatever the number of VMs: `list --all --uuid --name`, then one batch of
 * `domstate` + `dumpxml --inactive` for those of ours that exist (several batches past
 * a thousand).
 */
export async function listHostDomains(run: VirshRunner, uri: string, names: string[], signal?: AbortSignal): Promise<Record<string, HostDomainState>> {
  const uuidOf = new Map(parseUuidNameList(await virshOk(run, uri, ['list', '--all', '--uuid', '--name'], signal)).map((d) => [d.name, d.uuid]));
  const present = names.filter((n) => uuidOf.has(n));
  const outs = await virshBatch(run, uri, present.flatMap((n) => [['domstate', '--domain', n], ['dumpxml', '--inactive', '--domain', n]]), signal);
  const domains: Record<string, HostDomainState> = {};
  present.forEach((name, i) => {
    const state = outs[2 * i].trim().split('\n')[0];
    const xml = outs[2 * i + 1];
    // Empty: undefined between the two calls.
    if (!state || !xml.includes('<domain')) return;
    domains[name] = { uuid: uuidOf.get(name)!, state: parseDomainState(state), deployHash: parseDeployMetadataHash(xml) };
  });
  return domains;
}

/** The state of one domain on a host (`absent` when it is not defined there). */
export async function domainStatus(run: VirshRunner, uri: string, name: string, signal?: AbortSignal): Promise<DomainStatus> {
  const d = (await listHostDomains(run, uri, [name], signal))[name];
  return d ? { name, ...d } : { name, state: 'absent' };
}

/** `virsh list --all` of a host. */
export async function listDomains(run: VirshRunner, uri: string, signal?: AbortSignal): Promise<DomainListEntry[]> {
  return parseListAll(await virshOk(run, uri, ['list', '--all'], signal));
}

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Hashes kept across runs; default: in memory for this probe. */
  hashes?: FileHashCache;
  /** Told before a file is read to hash it (it may be big). */
  onHash?(file: string, size: number): void;
}

/** A local host's file: hashed (with the build's) only when its size matches the build's. */
async function localFileState(p: Placement, hashes: FileHashCache, o: ProbeOptions): Promise<HostFileState | undefined> {
  // Synchronous: thousands of stats, most of absent files (see deployFiles.ts).
  const st = statSync(p.hostPath, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  if (st.size !== p.local.size) return { size: st.size };
  if (await hashes.isUnchangedCopy(p.local.path, p.hostPath)) return { size: st.size, copyOf: p.local.path };
  p.local.sha256 ??= await hashes.hash(p.local.path, o.signal, o.onHash);
  return { size: st.size, sha256: await hashes.hash(p.hostPath, o.signal, o.onHash) };
}

/** The pool's volumes of `placements`, with one batched `vol-info` for all of them. */
async function volumeStates(run: VirshRunner, uri: string, pool: string, placements: Placement[], hashes: FileHashCache, o: ProbeOptions): Promise<Array<HostFileState | undefined>> {
  const infos = await virshBatch(run, uri, placements.map((p) => ['vol-info', '--bytes', '--pool', pool, '--vol', p.volume!]), o.signal);
  const out: Array<HostFileState | undefined> = [];
  for (const [i, p] of placements.entries()) {
    // Empty: no such volume (its error went to stderr).
    if (!infos[i].trim()) {
      out.push(undefined);
      continue;
    }
    const info = parseVolInfo(infos[i]);
    if (info.capacity === undefined || info.capacity > REMOTE_HASH_LIMIT) {
      out.push({ capacity: info.capacity });
      continue;
    }
    // Small volumes (context.iso, fresh overlays) are fetched and hashed: sizes alone miss edits.
    const dir = await makeTempFolder('vmctx-vol');
    try {
      const file = path.join(dir, 'volume');
      await virshOk(run, uri, ['vol-download', '--pool', pool, '--vol', p.volume!, '--file', file], o.signal);
      const st = await stat(file);
      if (st.size !== p.local.size) out.push({ size: st.size, capacity: info.capacity });
      else {
        p.local.sha256 ??= await hashes.hash(p.local.path, o.signal, o.onHash);
        out.push({ size: st.size, sha256: await sha256File(file, o.signal), capacity: info.capacity });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return out;
}

/** What the host holds of the given VMs: their domains and the files their placement names. */
export async function probeHost(run: VirshRunner, host: TargetHost, vms: VmSpec[], options: ProbeOptions = {}): Promise<HostState> {
  const { signal } = options;
  const hashes = options.hashes ?? (await FileHashCache.open());
  const state: HostState = { uri: host.uri, domains: {}, files: {} };
  if (host.pool) state.poolPath = parsePoolTargetPath(await virshOk(run, host.uri, ['pool-dumpxml', '--pool', host.pool], signal));
  const names = new Set(host.vms);
  const mine = vms.filter((v) => names.has(v.name));
  const { placements } = placeFiles(mine, host, state.poolPath);
  if (host.pool) {
    const withVolume = placements.filter((p) => p.volume);
    const states = await volumeStates(run, host.uri, host.pool, withVolume, hashes, options);
    withVolume.forEach((p, i) => (state.files[p.hostPath] = states[i]));
  } else {
    for (const p of placements) state.files[p.hostPath] = await localFileState(p, hashes, options);
  }
  state.domains = await listHostDomains(run, host.uri, mine.map((v) => v.name), signal);
  return state;
}

/** Whether this virsh has `vol-upload --sparse` (libvirt 3.4 and later); asked once per program. */
const sparseUpload = new WeakMap<VirshRunner, Promise<boolean>>();
function hasSparseUpload(run: VirshRunner, uri: string, signal?: AbortSignal): Promise<boolean> {
  let known = sparseUpload.get(run);
  if (!known) {
    // `help` needs no connection.
    known = run(uri, ['help', 'vol-upload'], { signal }).then((r) => r.exitCode === 0 && /--sparse\b/.test(r.stdout));
    sparseUpload.set(run, known);
  }
  return known;
}

export interface ApplyOptions {
  signal?: AbortSignal;
  onStep?(step: DeployStep): void;
  /** Told of each copy made, so its hash is known without reading it again. */
  hashes?: FileHashCache;
}

async function upload(run: VirshRunner, uri: string, step: DeployStep & { kind: 'send' }, signal?: AbortSignal): Promise<void> {
  const { pool, volume } = step as { pool: string; volume: string };
  // A fresh volume each time: a sparse upload skips the holes, which must read as zeros, and a
  // smaller file must not leave the old tail behind.
  if (step.reason === 'changed') await virshOk(run, uri, ['vol-delete', '--pool', pool, '--vol', volume], signal);
  // Created raw (vol-upload then writes the bytes as they are: a qcow2 overlay stays one) and
  // with nothing allocated, else libvirt preallocates the whole capacity.
  await virshOk(run, uri, ['vol-create-as', '--pool', pool, '--name', volume, '--capacity', String(step.bytes), '--allocation', '0', '--format', 'raw'], signal);
  const sparse = await hasSparseUpload(run, uri, signal);
  await virshOk(run, uri, ['vol-upload', ...(sparse ? ['--sparse'] : []), '--pool', pool, '--vol', volume, '--file', step.from], signal);
}

async function runStep(run: VirshRunner, uri: string, step: DeployStep, options: ApplyOptions): Promise<void> {
  const { signal } = options;
  switch (step.kind) {
    case 'send':
      if (step.pool && step.volume) await upload(run, uri, step, signal);
      else {
        await copySparse(step.from, step.to, signal);
        await options.hashes?.recordCopy(step.from, step.to);
      }
      return;
    case 'define': {
      const dir = await makeTempFolder('vmctx-define');
      try {
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
export async function applyHostPlan(run: VirshRunner, host: HostPlan, options: ApplyOptions = {}): Promise<number> {
  let changed = 0;
  for (const step of host.steps) {
    if (options.signal?.aborted) throw new CancelledError();
    if (step.kind === 'keep-file' || step.kind === 'keep-domain') continue;
    options.onStep?.(step);
    await runStep(run, host.uri, step, options);
    changed++;
  }
  return changed;
}

export type DomainAction = 'start' | 'shutdown' | 'destroy' | 'undefine';

/** Start / Shut down / Undefine of the explorer. */
export async function domainAction(run: VirshRunner, uri: string, name: string, action: DomainAction, signal?: AbortSignal): Promise<void> {
  await virshOk(run, uri, [action, '--domain', name], signal);
}

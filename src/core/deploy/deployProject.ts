// The one entry point of deploy, shared by `vmctx deploy` and the extension: load the built
// VMs, assign them to hosts, ask each host what it holds, plan, and (when asked) run the
// plan. Progress goes to callbacks as it happens; an AbortSignal stops it between steps and
// kills a running virsh.
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError, errorMessage, throwIfAborted } from '../common/errors';
import { formatBytes } from '../common/bytes';
import { displayPath } from '../common/paths';
import type { ContextProject } from '../project/project';
import type { ManifestHost } from '../project/manifest';
import { assignHosts, isLocalUri } from './deployHosts';
import { planDeploy, type DeployPlan, type DeployStep, type HostPlan, type PlanOptions, type TargetHost, type VmSpec } from './deployPlan';
import { loadDeployInputs } from '../io/deployFiles';
import { applyHostPlan, probeHost, type VirshRunner } from '../io/virsh';
import { FileHashCache, HASH_CACHE_FILE } from '../io/fileHashCache';
import { removeStaleTemporaries } from '../io/atomicFile';

export interface DeployRequest {
  project: ContextProject;
  /** The hosts to deploy to (the manifest's, or those picked / given with --connect). */
  hosts: ManifestHost[];
  virsh: VirshRunner;
  options?: PlanOptions;
  signal?: AbortSignal;
  /** One line of what is happening now (loading, asking a host, …). */
  onProgress?(message: string): void;
}

export interface PreparedDeploy {
  project: ContextProject;
  vms: VmSpec[];
  targets: TargetHost[];
  plan: DeployPlan;
}

/** The hosts named by `uris`, with the manifest's settings for a URI it lists. */
export function hostsForUris(manifestHosts: ManifestHost[], uris: string[]): ManifestHost[] {
  return uris.map((uri) => manifestHosts.find((h) => h.uri === uri) ?? { uri });
}

/** Plans the deploy of the built project: reads the build and the hosts, changes nothing. */
export async function planProjectDeploy(req: DeployRequest): Promise<PreparedDeploy> {
  const { project, hosts, signal } = req;
  const progress = req.onProgress ?? (() => undefined);
  if (hosts.length === 0) throw new UserError('no host to deploy to', 'Add "hosts": [{ "uri": "qemu:///system" }] to vmcontext.json, or pass --connect URI.');
  // Hosts first: a bad host list is refused before any file is read.
  const names = project.templates.map((t) => t.name?.value).filter((n): n is string => !!n);
  if (names.length === 0) throw new UserError(`${project.root} has no domain template with a <name>`);
  let assigned;
  try {
    assigned = assignHosts(hosts, names);
  } catch (e) {
    throw new UserError(errorMessage(e));
  }
  // The folders a killed deploy left in /tmp (virsh's define and vol-download files).
  for (const folder of await removeStaleTemporaries(tmpdir(), undefined, 'folders')) progress(`removed ${folder}, left by an interrupted deploy whose process is gone`);
  const deployed = assigned.hosts.flatMap((h) => h.vms);
  progress(`reading the build of ${deployed.length} VM${deployed.length === 1 ? '' : 's'}`);
  const vms = await loadDeployInputs(project, deployed, signal);
  const targets: TargetHost[] = assigned.hosts.map(({ host, vms: names }) => ({
    uri: host.uri,
    local: isLocalUri(host.uri),
    directory: host.directory,
    pool: host.pool,
    vms: names,
  }));
  const hashes = await FileHashCache.open(hashCacheFile(project));
  const onHash = (file: string, size: number) => progress(`hashing ${displayPath(project.root, file)} (${formatBytes(size)}), once: the hash is kept until the file changes`);
  const states = [];
  try {
    for (const t of targets) {
      throwIfAborted(signal);
      progress(`asking ${t.uri} about ${t.vms.length} VM${t.vms.length === 1 ? '' : 's'}`);
      states.push(await probeHost(req.virsh, t, vms, { signal, hashes, onHash }));
    }
  } finally {
    // Hashes made before a failure or a cancel are kept too.
    await hashes.save().catch((e) => progress(`could not keep the file hashes in ${hashCacheFile(project)}: ${errorMessage(e)}`));
  }
  return { project, vms, targets, plan: planDeploy(vms, targets, states, req.options, assigned.unassigned) };
}

/** Where the file hashes are kept: beside the build record. */
export function hashCacheFile(project: ContextProject): string {
  return path.join(path.dirname(project.output.iso), HASH_CACHE_FILE);
}

/**
 * The folders a local host's copies go to: the temporaries an interrupted deploy (SIGKILL, a
 * crash) left there are removed before copying again; those of running processes stay.
 */
export async function removeStaleCopies(host: HostPlan): Promise<string[]> {
  if (!host.local) return [];
  const folders = new Set(host.steps.flatMap((s) => (s.kind === 'send' && !s.pool ? [path.dirname(s.to)] : [])));
  const removed: string[] = [];
  for (const folder of folders) removed.push(...(await removeStaleTemporaries(folder)));
  return removed;
}

/** Runs a prepared plan, host after host; refused when the plan has errors. Returns the changes made. */
export async function applyDeploy(
  prepared: PreparedDeploy,
  run: { virsh: VirshRunner; signal?: AbortSignal; onStep?(uri: string, step: DeployStep): void; onProgress?(message: string): void },
): Promise<number> {
  if (prepared.plan.errors.length) throw new UserError(`nothing deployed:\n${prepared.plan.errors.join('\n')}`);
  const hashes = await FileHashCache.open(hashCacheFile(prepared.project));
  let changes = 0;
  try {
    for (const h of prepared.plan.hosts) {
      for (const file of await removeStaleCopies(h)) run.onProgress?.(`removed ${file}, left by an interrupted deploy whose process is gone`);
      changes += await applyHostPlan(run.virsh, h, { signal: run.signal, hashes, onStep: (s) => run.onStep?.(h.uri, s) });
    }
  } finally {
    // A cache: losing it costs a hash the next time, never a wrong deploy.
    await hashes.save().catch(() => undefined);
  }
  return changes;
}

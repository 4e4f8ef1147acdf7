// Plans and runs a build: the ISO (embedded or an external tool) and the overlays (embedded
// or qemu-img). Incremental: the ISO is rebuilt only when its inputs changed (an external
// tool's: the content hash of its inputs; the embedded writer's: its tree and options, and the
// contents of the files whose size, mtime, inode or ctime changed, compared with the image itself);
// overlays only when missing or out of date, never over a VM's data unless forced.
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { CancelledError, UserError, errorMessage, ioErrorMessage, throwIfAborted } from '../common/errors';
import type { DiagnosticCode } from '../common/diagnosticCodes';
import { displayPath as showPath } from '../common/paths';
import { checkLabel } from '../image/iso9660/label';
import { SECTOR } from '../image/iso9660/isoBytes';
import type { FileExtent } from '../image/iso9660/index';
import { checkOverlaySpec } from '../image/qcow2/overlayWriter';
import { isoCommand, qemuImgCommand, type IsoTool } from './externalCommands';
import type { BuildInputs, SeedInput, SeedsInput } from './buildInputs';
import { composeSeed, type Seed } from '../cloudinit/seed';
import { decideOverlay, overlayStatus } from './overlayDecision';
import type { BuildOptions, BuildPlan, BuildProblem, BuildResult, BuildStep, SeedStep, StepOutcome } from './buildPlan';
import { IMAGE_CHANGED, cachedHash, isoStaleReason, parseState, serializeState, type BuildState, type IsoRecord } from './buildState';
import { sampleHash, stillRecorded } from '../io/fileIdentityCheck';
import { identityOf, inputUnchanged, type FileIdentity } from '../common/fileIdentity';
import { imageDate, scanContext, sourceDateEpochProblem, type ContextScan } from '../io/contextScan';
import { inspectOverlay, probeBaseImage, writeOverlayFile } from '../io/overlayFile';
import { runTool } from '../io/runTool';
import { imageHoldsFile, writeIsoFromFolder, writeIsoFromMemory } from '../io/isoFile';
import { removeStaleTemporaries, tempSibling } from '../io/atomicFile';
import { sha256File } from '../io/fileHash';
import { ensureParentDir, moveIntoPlace, mtimeSeconds, outputStat, readTextIfPresent, removeIfPresent, stageFiles, writeTextFile } from '../io/buildFiles';
import { OUTPUT_CONFLICT_CODE, outputConflicts } from '../project/outputPaths';
import { countOf } from '../common/text';

/**
 * Hash of everything that decides the ISO's bytes: tree, modes, contents, label, date, backend
 * (an external tool's image). A file's content hash is the recorded one while the file is
 * unchanged (inputUnchanged), else sha256File's; `fresh` receives every file's.
 */
async function isoInputHash(scan: ContextScan, state: BuildState, fresh: BuildState, extra: string[]): Promise<string> {
  const h = createHash('sha256');
  // The context folder's own mode is the image root's: a chmod of it changes the image.
  h.update(`${extra.join('\0')}\0${scan.root.mode.toString(8)}\n`);
  for (const e of scan.entries) {
    let content = '';
    if (e.kind === 'file') {
      const abs = e.abs;
      content = cachedHash(state, abs, e) ?? (await sha256File(abs));
      // identityOf's fields written out in the loops over every file: no second object per file.
      fresh.files[abs] = { size: e.size, mtimeMs: e.mtimeMs, ino: e.ino, ctimeMs: e.ctimeMs, sha256: content };
    }
    h.update(`${e.kind}\0${e.path}\0${e.mode.toString(8)}\0${e.size}\0${e.target ?? ''}\0${content}\n`);
  }
  return h.digest('hex');
}

/**
 * The embedded writer's input hash: everything that decides the image's bytes but the files'
 * contents (tree, modes, sizes, link targets, label, date, backend). The contents are checked
 * file by file against the image itself (embeddedContentChanged), so a first build reads each
 * file once, to write it, and hashes none.
 */
function isoTreeHash(scan: ContextScan, extra: string[]): string {
  const h = createHash('sha256');
  // 'tree': never equal to an input hash of contents (a record of an older vm-context, or of an external tool's image).
  h.update(`tree\0${extra.join('\0')}\0${scan.root.mode.toString(8)}\n`); // the root's mode: the context folder's own
  let text = '';
  const entries = scan.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    text += `${e.kind}\0${e.path}\0${e.mode.toString(8)}\0${e.size}\0${e.target ?? ''}\n`;
  }
  h.update(text);
  return h.digest('hex');
}

/**
 * Whether a context file differs from what the recorded image holds (the image itself is known
 * unchanged: imageStaleReason). A file unchanged since the record
 * (inputUnchanged) is as it was written; any other is compared byte for byte with its extent
 * in the image. Fills `files` with the records to keep (the identities seen now).
 */
async function embeddedContentChanged(scan: ContextScan, state: BuildState, image: string, files: BuildState['files'], signal?: AbortSignal): Promise<boolean> {
  for (let i = 0; i < scan.entries.length; i++) {
    const e = scan.entries[i];
    if (e.kind !== 'file') continue;
    const abs = e.abs;
    const r = state.files[abs];
    // Only a record the embedded writer left (with its sector) tells what the image holds.
    if (r?.sector === undefined) return true;
    if (!inputUnchanged(r, e) && !(await imageHoldsFile(image, r.sector * SECTOR, abs, e.size, signal))) return true;
    files[abs] = { size: e.size, mtimeMs: e.mtimeMs, ino: e.ino, ctimeMs: e.ctimeMs, sector: r.sector };
  }
  return false;
}

/** The records of the files an embedded image was just written from: where each one's bytes lie in it. */
function embeddedRecords(scan: ContextScan, extents: readonly FileExtent[]): BuildState['files'] {
  // A file's extent names it by the very string its scanned entry holds (the tree's source).
  const sectors = new Map<string, number>();
  for (let i = 0; i < extents.length; i++) sectors.set(extents[i].source, extents[i].sector);
  const files: BuildState['files'] = {};
  for (let i = 0; i < scan.entries.length; i++) {
    const e = scan.entries[i];
    if (e.kind !== 'file') continue;
    // Empty files have no extent: sector 0, size 0.
    files[e.abs] = { size: e.size, mtimeMs: e.mtimeMs, ino: e.ino, ctimeMs: e.ctimeMs, sector: sectors.get(e.abs) ?? 0 };
  }
  return files;
}

/**
 * isoStaleReason, and when only the image's change time moved (libvirt chowns an ISO a VM uses
 * in place), whether its sample is still the recorded one; a record that holds takes the new
 * change time.
 */
async function imageStaleReason(state: BuildState, output: string, inputHash: string, current: FileIdentity | undefined, record = state.iso): Promise<string | undefined> {
  const reason = isoStaleReason(state, output, inputHash, current, record);
  if (reason || !record || !current) return reason;
  // isoStaleReason gave a reason for a record without an inode.
  return (await stillRecorded(output, record as IsoRecord & FileIdentity, current)) ? undefined : IMAGE_CHANGED;
}

/**
 * The record of an image just written: its identity now, and its sample, as the writer hashed
 * it from the bytes it wrote (`written`) when the file still has their size, else read back.
 */
async function imageRecord(output: string, inputHash: string, written?: { bytes: number; sample: string }): Promise<IsoRecord | undefined> {
  const st = await outputStat(output);
  if (!st) return undefined;
  const sample = written && written.bytes === st.size ? written.sample : await sampleHash(output, st.size);
  return { output, inputHash, ...identityOf(st), sample };
}

export async function planBuild(inputs: BuildInputs, options: BuildOptions = {}): Promise<BuildPlan> {
  const env = options.env ?? process.env;
  const tools = options.tools ?? {};
  const state = parseState(await readTextIfPresent(inputs.stateFile));
  const plan: BuildPlan = { steps: [], skipped: [], problems: [], status: { overlays: [] }, state };
  const problem = (file: string, code: DiagnosticCode, message: string, severity: BuildProblem['severity'] = 'error') =>
    plan.problems.push({ file, code, message, severity });

  // An output on an input, on another output or inside the context folder: nothing is written.
  const seeds = inputs.seeds;
  const conflicts = outputConflicts(
    {
      // A NoCloud build writes no context.iso: only its seeds, overlays and record.
      iso: seeds ? undefined : inputs.iso.path, overlaysDir: inputs.overlaysDir, stateFile: inputs.stateFile, overlays: inputs.overlays.map((o) => ({ vm: o.vm, path: o.path })),
      seedsDir: seeds?.dir, seeds: seeds?.vms.map((v) => ({ vm: v.vm, path: v.path })),
    },
    { projectDir: inputs.projectDir, contextDir: inputs.contextDir, cloudInitDir: seeds?.cloudInitDir, baseImage: inputs.baseImage, files: inputs.inputFiles ?? [] },
  );
  const fileOf = (c: (typeof conflicts)[number]) =>
    (c.setting === 'seeds' ? seeds?.vms.find((v) => v.vm === c.vm)?.path ?? seeds?.dir : c.vm ? inputs.overlays.find((o) => o.vm === c.vm)?.path : seeds ? inputs.stateFile : inputs.iso.path) ?? inputs.projectDir;
  for (const c of conflicts) problem(fileOf(c), OUTPUT_CONFLICT_CODE, c.message);

  // The dates of every image built (context.iso or seeds): a malformed value builds none.
  const epochProblem = options.only !== 'overlays' ? sourceDateEpochProblem(env) : undefined;
  if (epochProblem) problem(inputs.projectDir, 'build-source-date-epoch', epochProblem);
  if (options.only !== 'overlays' && inputs.seeds) await planSeeds(inputs.seeds, plan, options, env, epochProblem);
  else if (options.only !== 'overlays') {
    const label = inputs.iso.label;
    const current = await outputStat(inputs.iso.path);
    const labelProblem = checkLabel(label);
    if (labelProblem) problem(inputs.projectDir, 'build-label', labelProblem, label.length > 32 || !/^[\x20-\x7e]+$/.test(label) ? 'error' : 'warning');
    let scan: ContextScan | undefined;
    try {
      scan = await scanContext(inputs.contextDir, options.signal, options.listed);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      problem(inputs.contextDir, 'build-no-context', `the context folder ${inputs.contextDir} cannot be read: ${errorMessage(e)}`);
    }
    const blocker = plan.problems.find((p) => p.severity === 'error');
    if (blocker || !scan) {
      plan.status.iso = { state: current ? 'stale' : 'missing', reason: `cannot be built: ${blocker?.message}`, size: current?.size };
    } else {
      plan.contextScan = scan;
      for (const p of scan.problems) plan.problems.push({ file: join(inputs.contextDir, p.path), severity: p.severity, code: p.code, message: p.message });
      const backend = !options.isoBackend || options.isoBackend === 'auto' ? 'embedded' : options.isoBackend;
      const date = imageDate(env, scan.newestMtime);
      const hashExtra = [backend, label, String(date)];
      let inputHash: string;
      let staleReason: string | undefined;
      if (backend === 'embedded') {
        inputHash = isoTreeHash(scan, hashExtra);
        staleReason = await imageStaleReason(state, inputs.iso.path, inputHash, current);
        const seen: BuildState['files'] = {};
        if (!staleReason && (await embeddedContentChanged(scan, state, inputs.iso.path, seen, options.signal))) staleReason = 'the context or the options changed';
        // A stale image keeps its records until a new one replaces it (runStep).
        if (!staleReason) state.files = seen;
      } else {
        const fresh: BuildState = { version: 1, files: {} };
        inputHash = await isoInputHash(scan, state, fresh, hashExtra);
        state.files = fresh.files;
        staleReason = await imageStaleReason(state, inputs.iso.path, inputHash, current);
      }
      plan.status.iso = { state: !current ? 'missing' : staleReason ? 'stale' : 'fresh', reason: staleReason, size: current?.size };
      const stale = options.force ? 'rebuilt (--force)' : staleReason;
      const common = { kind: 'iso' as const, output: inputs.iso.path, label, contextDir: inputs.contextDir };
      if (!stale) plan.skipped.push({ output: inputs.iso.path, reason: 'up to date (inputs unchanged since the last build)' });
      else if (backend === 'embedded') plan.steps.push({ ...common, reason: stale, backend, inputHash });
      else {
        const tempOutput = tempSibling(inputs.iso.path);
        const command = tools[backend] ?? backend;
        plan.steps.push({ ...common, inputHash, reason: stale, backend, tempOutput, external: isoCommand(backend, command, inputs.contextDir, label, tempOutput, date) });
      }
    }
  }

  if (options.only !== 'iso' && inputs.overlays.length) {
    let base: Awaited<ReturnType<typeof probeBaseImage>> | undefined;
    if (!inputs.baseImage) problem(inputs.projectDir, 'build-no-base-image', 'no base image is configured (vmcontext.json "baseImage", or one image in images/): overlays cannot be made');
    else {
      try {
        const probed = await probeBaseImage(inputs.baseImage);
        plan.status.baseImage = { format: probed.format, virtualSize: probed.size };
        base = probed;
      } catch (e) {
        problem(inputs.baseImage, 'build-base-image', errorMessage(e));
      }
    }
    const backend = !options.overlayBackend || options.overlayBackend === 'auto' ? 'embedded' : options.overlayBackend;
    for (const o of inputs.overlays) {
      // A path a VM name made to leave the overlays folder is not even read.
      if (conflicts.some((c) => c.setting === 'name' && c.vm === o.vm)) continue;
      // Inspected even without a usable base, so the explorer still tells empty from holding data.
      let existing;
      try {
        existing = await inspectOverlay(o.path);
      } catch (e) {
        problem(o.path, 'build-overlay', `cannot read ${o.path}: ${errorMessage(e)}`);
        plan.status.overlays.push({ vm: o.vm, output: o.path, status: { condition: 'invalid', differences: [], reason: `cannot be read: ${errorMessage(e)}` } });
        continue;
      }
      const spec = base && { size: base.size, backingName: o.backingName, backingFormat: base.format };
      const bad = spec && checkOverlaySpec(spec);
      if (bad) problem(o.path, 'build-overlay', `overlay of ${o.vm}: ${bad}`);
      plan.status.overlays.push({ vm: o.vm, output: o.path, status: overlayStatus(existing, bad ? undefined : spec) });
      if (!spec || bad) continue;
      const d = decideOverlay(existing, spec, !!options.force);
      // A file in the overlay's place that is no sound qcow2 image is kept (it may be the user's),
      // but the VM has no disk to boot: an error, so `vmctx build && vmctx deploy` stops here.
      if (d.action === 'refuse' && (existing.kind === 'not-qcow2' || existing.kind === 'damaged')) problem(o.path, 'build-overlay', `the overlay of ${o.vm} ${d.reason}`);
      else if (d.action !== 'write') plan.skipped.push({ output: o.path, reason: d.reason });
      else if (backend === 'embedded') plan.steps.push({ kind: 'overlay', vm: o.vm, output: o.path, reason: d.reason, spec, backend });
      else {
        const tempOutput = tempSibling(o.path);
        plan.steps.push({
          kind: 'overlay', vm: o.vm, output: o.path, reason: d.reason, spec, backend, tempOutput,
          external: qemuImgCommand(tools.qemuImg ?? 'qemu-img', tempOutput, spec.backingName, spec.backingFormat, spec.size),
        });
      }
    }
  }
  if (conflicts.length) {
    // Refused as a whole: nothing is written, not even the build record.
    plan.steps.length = 0;
    plan.skipped.length = 0;
    plan.contextScan = undefined;
    plan.seedsPlanned = false;
    for (const iso of [plan.status.iso, ...(plan.status.seeds ?? []).map((x) => x.status)]) if (iso) iso.reason = `cannot be built: ${conflicts[0].message}`;
  }
  return plan;
}

/**
 * One VM's seed as the build writes it: its files read and composed (see cloudinit/seed.ts).
 * No seed when a file cannot be read (build-seed); Show ISO Contents lists it from here too.
 */
export async function readSeed(seeds: SeedsInput, v: SeedInput): Promise<{ seed?: Seed; problems: BuildProblem[] }> {
  const texts: Partial<Record<'userData' | 'metaData' | 'networkConfig', string>> = {};
  const problems: BuildProblem[] = [];
  for (const key of ['userData', 'metaData', 'networkConfig'] as const) {
    const file = v[key];
    if (!file) continue;
    const text = await readTextIfPresent(file);
    if (text !== undefined) texts[key] = text;
    else problems.push({ file, code: 'build-seed', message: `seed of ${v.vm}: ${file} cannot be read`, severity: 'error' });
  }
  if (problems.length) return { problems };
  return { seed: composeSeed({ vm: v.vm, mac: v.mac, ...texts, network: seeds.network, addressing: seeds.addressing }), problems };
}

/** NoCloud: one seed per VM, composed in memory; rebuilt when its bytes-deciding inputs changed. */
async function planSeeds(seeds: SeedsInput, plan: BuildPlan, options: BuildOptions, env: Record<string, string | undefined>, epochProblem: string | undefined): Promise<void> {
  const backend = !options.isoBackend || options.isoBackend === 'auto' ? 'embedded' : options.isoBackend;
  const labelProblem = checkLabel(seeds.label);
  if (labelProblem) plan.problems.push({ file: seeds.label, code: 'build-label', message: labelProblem, severity: 'error' });
  // Either stops every seed; the label's is named first.
  const blocked = labelProblem ?? epochProblem;
  plan.status.seeds = [];
  plan.seedsPlanned = true;
  const records = (plan.state.seeds ??= {});
  for (const v of seeds.vms) {
    const current = await outputStat(v.path);
    const { seed, problems } = await readSeed(seeds, v);
    plan.problems.push(...problems);
    let newest = 0;
    for (const f of [v.userData, v.metaData, v.networkConfig, ...v.dateFrom]) if (f) newest = Math.max(newest, await mtimeSeconds(f));
    if (!seed || blocked) {
      plan.status.seeds.push({ vm: v.vm, output: v.path, status: { state: current ? 'stale' : 'missing', reason: `cannot be built: ${problems[0]?.message ?? blocked}`, size: current?.size } });
      continue;
    }
    const date = imageDate(env, newest);
    const h = createHash('sha256');
    h.update([backend, seeds.label, String(date)].join('\0') + '\n');
    for (const f of seed.files) h.update(`${f.name}\0${f.text}\0`);
    const inputHash = h.digest('hex');
    const staleReason = await imageStaleReason(plan.state, v.path, inputHash, current, records[v.path]);
    plan.status.seeds.push({ vm: v.vm, output: v.path, status: { state: !current ? 'missing' : staleReason ? 'stale' : 'fresh', reason: staleReason, size: current?.size } });
    const stale = options.force ? 'rebuilt (--force)' : staleReason;
    if (!stale) {
      plan.skipped.push({ output: v.path, reason: 'up to date (inputs unchanged since the last build)' });
      continue;
    }
    const common = { kind: 'seed' as const, vm: v.vm, output: v.path, reason: stale, inputHash, label: seeds.label, date, files: seed.files };
    if (backend === 'embedded') plan.steps.push({ ...common, backend });
    else plan.steps.push({ ...common, backend, command: options.tools?.[backend] ?? backend });
  }
}

/** An external ISO tool over a temporary folder holding the seed's files. */
async function runSeedTool(step: SeedStep & { backend: IsoTool; command: string }, options: BuildOptions): Promise<{ ok: boolean; message: string; messages: StepOutcome['toolMessages'] }> {
  const staged = await stageFiles(step.files);
  const tempOutput = tempSibling(step.output);
  try {
    const r = await runTool(isoCommand(step.backend, step.command, staged.dir, step.label, tempOutput, step.date), { signal: options.signal, env: options.env as NodeJS.ProcessEnv | undefined });
    if (r.exitCode !== 0) {
      const first = r.messages.find((m) => m.severity === 'error') ?? r.messages[0];
      return { ok: false, message: `${step.backend} failed (exit code ${r.exitCode})${first ? `: ${first.message}` : ''}`, messages: r.messages };
    }
    throwIfAborted(options.signal);
    await moveIntoPlace(tempOutput, step.output);
    return { ok: true, message: step.reason, messages: r.messages };
  } finally {
    await removeIfPresent(tempOutput);
    await staged.remove();
  }
}

/** What the embedded writer wrote: the image's size and sample (imageRecord takes them instead of reading it back). */
type Written = { bytes: number; sample: string };

async function runStep(step: BuildStep, plan: BuildPlan, options: BuildOptions, wrote: (w: Written) => void): Promise<StepOutcome> {
  const t0 = performance.now();
  const outcome = (ok: boolean, message: string, toolMessages: StepOutcome['toolMessages'] = []): StepOutcome => ({
    output: step.output, ok, message, backend: step.backend, ms: Math.round(performance.now() - t0), toolMessages,
  });
  await ensureParentDir(step.output);
  const progress = (message: string, fraction?: number) => options.onProgress?.({ output: step.output, message, fraction });
  if (step.kind === 'iso' && step.backend === 'embedded') {
    progress('writing');
    const scan = plan.contextScan;
    const r = await writeIsoFromFolder(step.contextDir, step.output, {
      label: step.label, env: options.env, signal: options.signal, scan,
      onProgress: (w, total) => progress('writing', w / total),
    });
    // The image is in place: its files' records now point into it (the plan's scan is what it was written from).
    if (scan) plan.state.files = embeddedRecords(scan, r.extents);
    wrote(r);
    return outcome(true, `${step.reason}; ${countOf(r.files, 'file')}, ${r.bytes} bytes`);
  }
  if (step.kind === 'seed') {
    progress('writing');
    if (step.backend === 'embedded') {
      const r = await writeIsoFromMemory(step.files.map((f) => ({ name: f.name, content: Buffer.from(f.text, 'utf8') })), step.output, { label: step.label, date: step.date, signal: options.signal });
      wrote(r);
      return outcome(true, `${step.reason}; ${step.files.map((f) => f.name).join(', ')}, ${r.bytes} bytes`);
    }
    const r = await runSeedTool(step, options);
    return outcome(r.ok, r.message, r.messages);
  }
  if (step.kind === 'overlay' && step.backend === 'embedded') {
    await writeOverlayFile(step.output, step.spec);
    return outcome(true, `${step.reason}; backing ${step.spec.backingName} (${step.spec.backingFormat}), ${step.spec.size} bytes`);
  }
  if (!('external' in step)) throw new Error('unreachable');
  progress(`running ${step.external.command}`);
  try {
    const r = await runTool(step.external, { signal: options.signal, env: options.env as NodeJS.ProcessEnv | undefined });
    if (r.exitCode !== 0) {
      const first = r.messages.find((m) => m.severity === 'error') ?? r.messages[0];
      return outcome(false, `${step.external.tool} failed (exit code ${r.exitCode})${first ? `: ${first.message}` : ''}`, r.messages);
    }
    throwIfAborted(options.signal);
    await moveIntoPlace(step.tempOutput, step.output);
    return outcome(true, step.reason, r.messages);
  } finally {
    await removeIfPresent(step.tempOutput);
  }
}

/** Runs the steps in order; a failed step is reported and the others still run. */
export async function runBuild(plan: BuildPlan, inputs: BuildInputs, options: BuildOptions = {}): Promise<BuildResult> {
  const outcomes: StepOutcome[] = [];
  const show = (p: string) => showPath(inputs.projectDir, p);
  // What an interrupted build (SIGKILL, a crash) left beside the outputs goes first.
  const folders = new Set([...plan.steps.map((s) => dirname(s.output)), dirname(inputs.stateFile)]);
  for (const folder of folders) {
    for (const file of await removeStaleTemporaries(folder)) {
      plan.problems.push({ file, code: 'build-stale-temporary', severity: 'information', message: `removed ${show(file)}, left by an interrupted build whose process is gone` });
    }
  }
  for (const step of plan.steps) {
    throwIfAborted(options.signal);
    try {
      let image: Written | undefined;
      const o = await runStep(step, plan, options, (w) => (image = w));
      outcomes.push(o);
      const written = o.ok && (step.kind === 'iso' || step.kind === 'seed') ? await imageRecord(step.output, step.inputHash, image) : undefined;
      if (written && step.kind === 'iso') plan.state.iso = written;
      if (written && step.kind === 'seed') (plan.state.seeds ??= {})[step.output] = written;
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      outcomes.push({ output: step.output, ok: false, message: e instanceof UserError ? e.message : ioErrorMessage(e, show), backend: step.backend, ms: 0, toolMessages: [] });
    }
  }
  // Only a plan that scanned the context holds the file hashes worth keeping. Atomic: a full or
  // read-only disk leaves the previous record whole, never cut JSON.
  if (plan.contextScan || plan.seedsPlanned) {
    try {
      await writeTextFile(inputs.stateFile, serializeState(plan.state));
    } catch (e) {
      plan.problems.push({ file: inputs.stateFile, code: 'build-state', severity: 'error', message: ioErrorMessage(e, show) });
    }
  }
  const ok = outcomes.every((o) => o.ok) && !plan.problems.some((p) => p.severity === 'error');
  return { outcomes, skipped: plan.skipped, problems: plan.problems, ok };
}

export async function build(inputs: BuildInputs, options: BuildOptions = {}): Promise<BuildResult> {
  return runBuild(await planBuild(inputs, options), inputs, options);
}

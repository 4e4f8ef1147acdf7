// Whole-project diagnostics as the extension runs them: a project of 300 templates is checked,
// then one edit to common/network (unsaved, so an overlay) puts every VM outside the network.
// Measured: from the edit to the sink holding every template's new diagnostics, through the
// same scheduler the extension uses (its quiet time included and apart), and the longest
// event-loop block meanwhile (a timer-drift probe and monitorEventLoopDelay).
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { nodeFileSystem } from '../src/core/io/nodeFileSystem';
import { decodeText } from '../src/core/common/fileSystem';
import { ProjectLoader } from '../src/core/project/load';
import { checkProject } from '../src/core/validation/checkProject';
import type { FileDiagnostics } from '../src/core/common/diagnostic';
import { CHECK_DELAY_MS, ProjectCheckScheduler, TextCache } from '../src/core/validation/checkScheduler';
import { defaultSettings } from '../src/core/settings';
import { createDomainSchemas } from '../src/core/io/schemaFiles';

const schemas = createDomainSchemas(path.join(__dirname, '..', 'schemas', 'domain-template.rng'));
import { round } from './measure';
import { writeProject } from './domain.bench';

const TEMPLATES = 300;

/** The longest gap between ticks of a 1 ms timer, minus the 1 ms: the worst block seen. */
function driftProbe(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  let on = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 1);
    last = now;
    if (on) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  return {
    stop() {
      on = false;
      return worst;
    },
  };
}

async function measureEdit(delayMs: number, dir: string, loader: ProjectLoader, networkText: string) {
  const networkFile = path.join(dir, 'context/common/network');
  const last: { results?: FileDiagnostics[]; at: number } = { at: 0 };
  const overlays = new Map<string, string>();
  // As the extension: the loaded project and the disk texts are kept until a watcher event.
  const project = loader.load(dir);
  const texts = new TextCache(async (f) => decodeText(await nodeFileSystem.readFile(f)));
  const scheduler = new ProjectCheckScheduler(
    {
      project: () => project,
      overlays: () => overlays,
      read: texts.read,
      settings: () => defaultSettings,
      schemas,
    },
    {
      publish: (_root, results) => {
        last.results = results;
        last.at = performance.now();
      },
    },
    { delayMs },
  );
  await scheduler.checkNow(dir); // warm: the project loaded, the schema compiled
  const before = last.results?.length ?? 0;
  last.results = undefined;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const probe = driftProbe();
  histogram.enable();
  const t0 = performance.now();
  overlays.set(networkFile, networkText);
  scheduler.request(dir);
  await scheduler.idle();
  const updateMs = last.at - t0;
  histogram.disable();
  const worstDrift = probe.stop();
  const results: FileDiagnostics[] = last.results ?? [];
  const withError = results.filter((f) => f.diagnostics.some((d) => d.code === 'domain-mac-ip-outside-network')).length;
  scheduler.dispose();
  return {
    quiet_time_ms: delayMs,
    edit_to_all_updated_ms: round(updateMs),
    checking_ms: round(updateMs - delayMs),
    files_with_problems_before: before,
    templates_outside_after: withError,
    longest_block_ms_timer_drift: round(worstDrift),
    longest_block_ms_event_loop_delay: round(histogram.max / 1e6),
  };
}

/**
 * The same check with a pause that records each stretch of work between two yields, in wall
 * and CPU time: on a loaded machine the wall time includes being descheduled, the CPU time not.
 */
async function longestStretch(dir: string, loader: ProjectLoader, networkText: string) {
  const project = await loader.load(dir);
  const texts = new TextCache(async (f) => decodeText(await nodeFileSystem.readFile(f)));
  await checkProject(project, texts.read, defaultSettings, schemas);
  let wall = performance.now();
  let cpu = process.cpuUsage();
  let worstWall = 0;
  let worstCpu = 0;
  const pause = async () => {
    const used = process.cpuUsage(cpu);
    worstWall = Math.max(worstWall, performance.now() - wall);
    worstCpu = Math.max(worstCpu, (used.user + used.system) / 1000);
    await new Promise<void>((resolve) => setImmediate(resolve));
    wall = performance.now();
    cpu = process.cpuUsage();
  };
  const overlays = new Map([[path.join(dir, 'context/common/network'), networkText]]);
  await checkProject(project, texts.read, defaultSettings, schemas, { overlays, pause });
  return { longest_stretch_between_yields_wall_ms: round(worstWall), longest_stretch_between_yields_cpu_ms: round(worstCpu) };
}

export async function run() {
  const dir = writeProject(TEMPLATES);
  try {
    const loader = new ProjectLoader(nodeFileSystem);
    const network = readFileSync(path.join(dir, 'context/common/network'), 'utf8');
    const moved = network.replace('NETWORK=192.168.0.0', 'NETWORK=10.20.0.0').replace('GATEWAY=192.168.0.1', 'GATEWAY=10.20.0.1');
    return {
      templates: TEMPLATES,
      network_edit_extension_timing: await measureEdit(CHECK_DELAY_MS, dir, loader, moved),
      network_edit_no_quiet_time: await measureEdit(0, dir, loader, moved),
      work_between_yields: await longestStretch(dir, loader, moved),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

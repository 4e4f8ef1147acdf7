import * as path from 'node:path';
import type { CliCommand } from './cliCommand';
import { parseCommandArgs, oneOf } from '../args';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../cliIo';
import { nodeFileSystem } from '../../core/io/nodeFileSystem';
import { loadProject } from '../../core/project/load';
import { isContextProject } from '../../core/project/discover';
import { UserError } from '../../core/common/errors';
import { defaultSettings, type IsoBackend, type OverlayBackend } from '../../core/settings';
import { buildInputsFromProject } from '../../core/build/buildInputs';
import { build, displayPath } from '../../core/build/buildEngine';
import { buildReportLines } from '../../core/build/buildReport';
import { decodeText } from '../../core/common/fileSystem';
import { checkBeforeBuild, type GatedAction } from '../../core/validation/checkBeforeBuild';
import type { ContextProject } from '../../core/project/project';
import type { CliIO } from '../cliIo';

const ISO_BACKENDS: readonly IsoBackend[] = ['auto', 'embedded', 'genisoimage', 'xorriso', 'mkisofs'];
const OVERLAY_BACKENDS: readonly OverlayBackend[] = ['auto', 'embedded', 'qemu-img'];

export const buildCommand: CliCommand = {
  name: 'build',
  summary: 'build context.iso and the qcow2 overlays of a context project',
  help: `Usage: vmctx build [DIR] [--only iso|overlays] [--iso-backend auto|embedded|genisoimage|xorriso|mkisofs] [--overlay-backend auto|embedded|qemu-img] [--force] [--allow-errors]

Checks the project first (as \`vmctx check\`) and refuses to build one with errors. Then builds the context project in DIR (default: the current folder): the ISO of its context
folder (default build/context.iso) and one qcow2 overlay per VM template on the base image
(default build/overlays/<vm>.qcow2). Only what changed is rebuilt.

Options:
  --only iso|overlays      build just one of the two
  --iso-backend B          auto (= embedded, no tool needed), embedded, genisoimage,
                           xorriso or mkisofs
  --overlay-backend B      auto (= embedded), embedded or qemu-img
  --force                  rebuild the ISO even if unchanged, and recreate overlays even if
                           they hold a VM's data (that data is lost)
  --allow-errors           build even though the check finds errors (says so)
  -h, --help               show this help

The ISO's dates come from SOURCE_DATE_EPOCH when set, else from the newest input file,
so the same inputs give the same bytes.

Exit status: 0 when everything is built or up to date, 1 when the project has errors or
anything failed, 2 on bad usage.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      only: { type: 'string' },
      'iso-backend': { type: 'string' },
      'overlay-backend': { type: 'string' },
      force: { type: 'boolean' },
      'allow-errors': { type: 'boolean' },
    });
    const only = values.only === undefined ? undefined : oneOf(values.only, ['iso', 'overlays'] as const, '--only', 'iso');
    const isoBackend = oneOf(values['iso-backend'], ISO_BACKENDS, '--iso-backend', 'auto');
    const overlayBackend = oneOf(values['overlay-backend'], OVERLAY_BACKENDS, '--overlay-backend', 'auto');
    if (positionals.length > 1) throw new UsageError(`expected at most one project folder, got ${positionals.length}`);
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');
    const st = await nodeFileSystem.stat(dir);
    if (st?.type !== 'directory') throw new UserError(`${dir} is not a folder`, 'Give the folder of a context project (the one holding context/ or vmcontext.json).');
    if (!(await isContextProject(nodeFileSystem, dir))) {
      throw new UserError(`${dir} is not a context project: it has neither vmcontext.json nor a context/ folder with post-install or common/`);
    }
    const project = await loadProject(nodeFileSystem, dir);
    if (!(await checkFirst(project, 'build', !!values['allow-errors'], io))) return EXIT_FAILED;
    const inputs = buildInputsFromProject(project);
    const show = (p: string) => displayPath(dir, p);
    const result = await build(inputs, {
      only,
      isoBackend,
      overlayBackend,
      force: !!values.force,
      tools: defaultSettings.tools,
      env: io.env,
    });
    for (const line of buildReportLines(result, show)) (line.stream === 'out' ? io.stdout : io.stderr)(line.text + '\n');
    return result.ok ? EXIT_OK : EXIT_FAILED;
  },
};

/**
 * Checks the project before a build or deploy and prints the verdict: the errors (stderr) and
 * one line with the counts. False when the command must stop.
 */
export async function checkFirst(project: ContextProject, action: GatedAction, allowErrors: boolean, io: CliIO): Promise<boolean> {
  const pre = await checkBeforeBuild(project, async (f) => decodeText(await nodeFileSystem.readFile(f)), defaultSettings, {
    action,
    allowErrors,
    override: '--allow-errors',
  });
  for (const l of pre.errorLines) io.stderr(l + '\n');
  (pre.summary.errors ? io.stderr : io.stdout)(`vmctx ${action}: ${pre.headline}\n`);
  return pre.proceed;
}

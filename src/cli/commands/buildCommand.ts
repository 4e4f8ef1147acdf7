import type { CliCommand } from './cliCommand';
import { parseCommandArgs, oneOf } from '../args';
import { EXIT_FAILED, EXIT_OK, bundledSchemaFile } from '../cliIo';
import { createDomainSchemas } from '../../core/io/schemaFiles';
import { defaultSettings, ISO_BACKENDS, OVERLAY_BACKENDS } from '../../core/settings';
import { CancelledError } from '../../core/common/errors';
import { buildInputsFromProject } from '../../core/build/buildInputs';
import { build } from '../../core/build/buildEngine';
import { displayPath } from '../../core/common/paths';
import { buildReportLines } from '../../core/build/buildReport';
import { openProject } from '../openProject';
import { listenForStopSignals } from '../stopSignals';
import { checkBeforeBuild, type BuildScope, type GatedAction } from '../../core/validation/checkBeforeBuild';
import type { ContextProject } from '../../core/project/project';
import type { TextReader } from '../../core/validation/checkProject';
import type { CliIO } from '../cliIo';


export const buildCommand: CliCommand = {
  name: 'build',
  summary: 'build context.iso and the qcow2 overlays of a context project',
  help: `Usage: vmctx build [DIR] [--only iso|overlays] [--iso-backend auto|embedded|genisoimage|xorriso|mkisofs] [--overlay-backend auto|embedded|qemu-img] [--force] [--allow-errors]

Checks the project first (as \`vmctx check\`; with --only, just the inputs of that output)
and refuses to build one with errors. Then builds the context project in DIR (default: the
current folder): the ISO of its context folder (default build/context.iso) and one qcow2
overlay per VM template on the base image (default build/overlays/<vm>.qcow2). Only what
changed is rebuilt.

Options:
  --only iso|overlays      build just one of the two (a broken template does not stop
                           the ISO, nor a broken context file the overlays)
  --iso-backend B          auto (= embedded, no tool needed), embedded, genisoimage,
                           xorriso or mkisofs
  --overlay-backend B      auto (= embedded), embedded or qemu-img
  --force                  rebuild the ISO even if unchanged, and recreate overlays even if
                           they hold a VM's data (that data is lost)
  --allow-errors           build even though the check finds errors (says so)
  -h, --help               show this help

The ISO's dates come from SOURCE_DATE_EPOCH when set, else from the newest input file,
so the same inputs give the same bytes. A SOURCE_DATE_EPOCH that is not a whole number of
seconds (up to 2155-12-31) stops the ISO and the seeds with an error.

Exit status: 0 when everything is built or up to date, 1 when the project has errors or
anything failed, 2 on bad usage, 128+N when stopped by signal N (SIGINT, SIGTERM, SIGHUP)
after removing its temporary files.
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
    const { dir, project, read, releaseUnread, listed } = await openProject('build', positionals, io, { keepListings: true });
    if (!(await checkFirst(project, read, 'build', !!values['allow-errors'], io, only))) return EXIT_FAILED;
    // A partial build's check skips some files the loader read (--only iso: the templates).
    releaseUnread();
    const inputs = buildInputsFromProject(project);
    const show = (p: string) => displayPath(dir, p);
    // A signal cancels the build: the temporary file goes, the previous outputs stay as they were.
    const stop = listenForStopSignals();
    let result;
    try {
      result = await build(inputs, {
        only,
        isoBackend,
        overlayBackend,
        force: !!values.force,
        tools: defaultSettings.tools,
        env: io.env,
        signal: stop.signal,
        listed,
      });
    } catch (e) {
      const stoppedBy = stop.stoppedBy();
      if (!(e instanceof CancelledError) || !stoppedBy) throw e;
      io.stderr(`vmctx build: stopped by ${stoppedBy}; the outputs being written were left as they were\n`);
      return stop.exitCode(stoppedBy);
    } finally {
      stop.dispose();
    }
    for (const line of buildReportLines(result, show)) (line.stream === 'out' ? io.stdout : io.stderr)(line.text + '\n');
    return result.ok ? EXIT_OK : EXIT_FAILED;
  },
};

/**
 * Checks the project before a build or deploy and prints the verdict: the errors (stderr) and
 * one line with the counts. False when the command must stop.
 */
/** The check before a build or deploy, over the bytes openProject's loader read (each file read once). */
export async function checkFirst(project: ContextProject, read: TextReader, action: GatedAction, allowErrors: boolean, io: CliIO, scope: BuildScope = 'all'): Promise<boolean> {
  const schemas = createDomainSchemas(bundledSchemaFile());
  const pre = await checkBeforeBuild(project, read, defaultSettings, schemas, {
    action,
    allowErrors,
    override: '--allow-errors',
    scope,
  });
  for (const l of pre.errorLines) io.stderr(l + '\n');
  (pre.summary.errors ? io.stderr : io.stdout)(`vmctx ${action}: ${pre.headline}\n`);
  return pre.proceed;
}

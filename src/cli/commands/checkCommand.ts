import * as path from 'node:path';
import { statSync } from 'node:fs';
import type { CliCommand } from './cliCommand';
import { parseCommandArgs, oneOf } from '../args';
import { EXIT_FAILED, EXIT_OK, UsageError, bundledSchemaFile, requestedThreads } from '../cliIo';
import { formatJson, formatText, toJsonDiagnostics } from '../../core/common/diagnosticFormat';
import { checkProject } from '../../core/validation/checkProject';
import { createDomainSchemas } from '../../core/io/schemaFiles';
import { userCacheDir } from '../../core/io/userCacheDir';
import { CheckThreads } from '../../core/io/validationThreads';
import { oneRunFileReader } from '../../core/io/nodeFileSystem';
import { CancelledError } from '../../core/common/errors';
import { listenForStopSignals } from '../stopSignals';
import { defaultSettings, type Settings } from '../../core/settings';
import { openProject } from '../openProject';
import { checkSummaryLine, summarizeCheck } from '../../core/validation/checkBeforeBuild';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'report every problem of a context project (templates, network, routes, cloud-init files, manifest)',
  help: `Usage: vmctx check [DIR] [--format text|json] [--libvirt-schemas DIR]

Checks the context project in DIR (default: the current folder) and prints one line per
problem: file:line:column: severity code: message, then a summary line (files checked,
problems by severity).

Options:
  --format text|json       output format (default text); json prints
                           {"diagnostics":[{file,line,column,endLine,endColumn,severity,code,message}]}
  --libvirt-schemas DIR    folder with libvirt's domain.rng (default /usr/share/libvirt/schemas
                           when present, else the bundled template schema)
  -h, --help               show this help

A project of many templates is checked on several threads (one per 500 files, at most one
per core beyond the first; VMCTX_THREADS=N sets the number, 1 for none, at most the
machine's cores and one per file); the output is the same.

Exit status: 1 when any error is reported, 0 otherwise, 2 on bad usage.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string' },
      'libvirt-schemas': { type: 'string' },
    });
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', 'text');
    const threads = requestedThreads(io, 'check');
    const schemaDirectory = values['libvirt-schemas'] === undefined ? undefined : path.resolve(io.cwd, values['libvirt-schemas']);
    // A folder asked for by name must exist: silently checking against another schema would hide it.
    if (schemaDirectory !== undefined && !statSync(schemaDirectory, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`--libvirt-schemas ${values['libvirt-schemas']}: no such folder`);
    }
    const settings: Settings = { ...defaultSettings, libvirt: { schemaDirectory } };
    const cacheDir = userCacheDir(io.env) ?? null;
    const schemas = createDomainSchemas(bundledSchemaFile(), cacheDir, oneRunFileReader());
    // A libvirt schema that cannot be used is said once, not per template.
    const schemaProblems = schemas.onProblem((p) =>
      io.stderr(`vmctx check: cannot use the schema ${p.path}${p.fallback ? ` (using ${p.fallback} instead)` : ''}:\n${p.message}\n`),
    );
    // Worker threads start while a big project loads.
    const workers = new CheckThreads(settings, schemas, cacheDir, {
      threads,
      onProblem: (m) => io.stderr(`vmctx check: ${m}; the main thread checks its files\n`),
      onDone: (n) => io.env.VMCTX_DEBUG && io.stderr(`vmctx check: files per thread: ${n.join(' ')}\n`),
    });
    let opened;
    try {
      opened = await openProject('check', positionals, io, { onRead: workers.fileRead, keepDocuments: false });
    } catch (e) {
      workers.close();
      schemaProblems.dispose();
      throw e;
    }
    // A signal stops the check and its worker threads: one line, exit 128+N.
    const stop = listenForStopSignals();
    let results;
    try {
      results = await checkProject(opened.project, opened.read, settings, schemas, { signal: stop.signal, validateMany: workers.validateMany(stop.signal) });
    } catch (e) {
      const stoppedBy = stop.stoppedBy();
      if (!(e instanceof CancelledError || (e instanceof DOMException && e.name === 'AbortError')) || !stoppedBy) throw e;
      io.stderr(`vmctx check: stopped by ${stoppedBy}\n`);
      return stop.exitCode(stoppedBy);
    } finally {
      workers.close();
      stop.dispose();
      schemaProblems.dispose();
    }
    const { dir, project } = opened;
    const diags = toJsonDiagnostics(results, dir);
    io.stdout(format === 'json' ? formatJson(diags) : formatText(diags) + checkSummaryLine(summarizeCheck(project, results)) + '\n');
    return diags.some((d) => d.severity === 'error') ? EXIT_FAILED : EXIT_OK;
  },
};

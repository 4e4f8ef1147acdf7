// `vmctx rng SCHEMA.rng FILE...`: validate XML files against any RELAX NG schema, with
// Jing-style output (FILE:LINE:COL: error: MESSAGE) or the JSON shape of `vmctx check`.
import * as path from 'node:path';
import type { CliCommand } from './cliCommand';
import { parseCommandArgs, oneOf } from '../args';
import { EXIT_FAILED, EXIT_OK, UsageError, requestedThreads } from '../cliIo';
import { formatJson, toJsonDiagnostics, type JsonDiagnostic } from '../../core/common/diagnosticFormat';
import { RngSchemaError, type RngSchema } from '../../core/relaxng/index';
import { diagnostic, range, type FileDiagnostics } from '../../core/common/diagnostic';
import { CancelledError } from '../../core/common/errors';
import { loadRngSchemaFile } from '../../core/io/schemaFiles';
import { userCacheDir } from '../../core/io/userCacheDir';
import { validateXmlFiles } from '../../core/io/validationThreads';
import { listenForStopSignals } from '../stopSignals';
import { pathResolver } from '../../core/common/paths';


export const rngCommand: CliCommand = {
  name: 'rng',
  summary: 'validate XML files against a RELAX NG schema (Jing-style output)',
  help: `Usage: vmctx rng SCHEMA.rng FILE... [--format text|json]

Validates each FILE against the RELAX NG schema (XML syntax; include, externalRef and
nested grammars are followed) and prints one line per error, as Jing does:
FILE:LINE:COL: error: MESSAGE

Options:
  --format text|json   output format (default text); json prints
                       {"diagnostics":[{file,line,column,endLine,endColumn,severity,code,message}]}
  -h, --help           show this help

The compiled schema is kept in the user's cache folder (~/.cache/vm-context) and used again
while the schema files stay the same. Many files are validated on several threads (one per
1,000 files, at most one per core beyond the first; VMCTX_THREADS=N sets the number, 1 for
none, at most the machine's cores and one per file); the output is the same, in the
order of the files given.

Exit status: 1 when the schema is wrong or any file is invalid, 0 otherwise, 2 on bad usage.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' } });
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', 'text');
    if (positionals.length < 2) throw new UsageError('expected a schema and at least one XML file');
    const [schemaArg, ...files] = positionals;
    const threads = requestedThreads(io, 'rng');
    const schemaFile = path.resolve(io.cwd, schemaArg);
    const cacheDir = userCacheDir(io.env) ?? null;
    const results: FileDiagnostics[] = [];
    let schema: RngSchema | undefined;
    try {
      // Compiled once, then read from the user's cache while the schema files stay the same.
      schema = loadRngSchemaFile(schemaFile, cacheDir).schema;
    } catch (e) {
      if (!(e instanceof RngSchemaError)) throw e;
      // Problems in the schema are reported against the schema files themselves.
      for (const p of e.problems) {
        results.push({
          file: p.file,
          diagnostics: [diagnostic('rng-schema', 'error', p.message, range(p.line, p.character, p.endLine, p.endCharacter))],
        });
      }
    }
    if (schema) {
      const abs = files.map(pathResolver(io.cwd));
      // A signal stops the worker threads too: one line, exit 128+N.
      const stop = listenForStopSignals();
      try {
        const found = await validateXmlFiles(schemaFile, schema, abs, cacheDir, {
          threads,
          signal: stop.signal,
          onProblem: (m) => io.stderr(`vmctx rng: ${m}; the main thread checks its files\n`),
          onDone: (n) => io.env.VMCTX_DEBUG && io.stderr(`vmctx rng: files per thread: ${n.join(' ')}\n`),
          workersFirst: io.env.VMCTX_DEBUG === 'workers-first',
        });
        abs.forEach((file, i) => results.push({ file, diagnostics: found[i] }));
      } catch (e) {
        const stoppedBy = stop.stoppedBy();
        if (!(e instanceof CancelledError) || !stoppedBy) throw e;
        io.stderr(`vmctx rng: stopped by ${stoppedBy}\n`);
        return stop.exitCode(stoppedBy);
      } finally {
        stop.dispose();
      }
    }
    const diags = toJsonDiagnostics(results, io.cwd);
    io.stdout(format === 'json' ? formatJson(diags) : formatJing(diags));
    return diags.some((d) => d.severity === 'error') ? EXIT_FAILED : EXIT_OK;
  },
};

function formatJing(diags: JsonDiagnostic[]): string {
  return diags.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`).join('');
}

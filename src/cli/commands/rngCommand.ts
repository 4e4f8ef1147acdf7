// `vmctx rng SCHEMA.rng FILE...`: validate XML files against any RELAX NG schema, with
// Jing-style output (FILE:LINE:COL: error: MESSAGE) or the JSON shape of `vmctx check`.
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import type { CliCommand } from './cliCommand';
import { parseCommandArgs, oneOf } from '../args';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../cliIo';
import { formatJson, toJsonDiagnostics, type JsonDiagnostic } from '../../core/common/diagnosticFormat';
import { RngSchemaError, validateText, type RngSchema } from '../../core/relaxng/index';
import { diagnostic, range, type FileDiagnostics } from '../../core/common/diagnostic';
import { errorMessage } from '../../core/common/errors';
import { decodeXml } from '../../core/xml/encoding';
import { loadRngSchemaFile, userCacheDir } from '../../core/io/schemaFiles';


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
while the schema files stay the same.

Exit status: 1 when the schema is wrong or any file is invalid, 0 otherwise, 2 on bad usage.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' } });
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', 'text');
    if (positionals.length < 2) throw new UsageError('expected a schema and at least one XML file');
    const [schemaArg, ...files] = positionals;
    const schemaFile = path.resolve(io.cwd, schemaArg);
    const results: FileDiagnostics[] = [];
    let schema: RngSchema | undefined;
    try {
      // Compiled once, then read from the user's cache while the schema files stay the same.
      schema = loadRngSchemaFile(schemaFile, userCacheDir(io.env) ?? null).schema;
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
      for (const f of files) {
        const file = path.resolve(io.cwd, f);
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(file);
        } catch (e) {
          results.push({ file, diagnostics: [diagnostic('file-unreadable', 'error', `cannot read file: ${errorMessage(e).replace(/^[A-Z]+: /, '')}`, range(0, 0, 0, 0))] });
          continue;
        }
        // The encoding declaration (or BOM) says how to read the bytes, as Jing does.
        const decoded = decodeXml(bytes);
        if (decoded.error) {
          const line = decoded.error.line;
          results.push({ file, diagnostics: [diagnostic('xml-malformed', 'error', `XML is not well-formed: ${decoded.error.message}`, range(line, 0, line, 0))] });
          continue;
        }
        results.push({ file, diagnostics: validateText(schema, decoded.text, { code: 'rng-invalid' }) });
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

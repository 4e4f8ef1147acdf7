import * as path from 'node:path';
import type { CliCommand } from './cliCommand';
import { parseCommandArgs, oneOf } from '../args';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../cliIo';
import { formatJson, formatText, toJsonDiagnostics } from '../../core/common/diagnosticFormat';
import { nodeFileSystem } from '../../core/io/nodeFileSystem';
import { decodeText } from '../../core/common/fileSystem';
import { loadProject } from '../../core/project/load';
import { isContextProject } from '../../core/project/discover';
import { checkProject } from '../../core/validation/checkProject';
import { onDomainSchemaProblem } from '../../core/validation/domain/domainSchema';
import { defaultSettings, type Settings } from '../../core/settings';
import { UserError } from '../../core/common/errors';
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

Exit status: 1 when any error is reported, 0 otherwise, 2 on bad usage.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string' },
      'libvirt-schemas': { type: 'string' },
    });
    const format = oneOf(values.format, ['text', 'json'] as const, '--format', 'text');
    if (positionals.length > 1) throw new UsageError(`expected at most one project folder, got ${positionals.length}`);
    const dir = path.resolve(io.cwd, positionals[0] ?? '.');
    const st = await nodeFileSystem.stat(dir);
    if (st?.type !== 'directory') throw new UserError(`${dir} is not a folder`, 'Give the folder of a context project (the one holding context/ or vmcontext.json).');
    if (!(await isContextProject(nodeFileSystem, dir))) {
      throw new UserError(
        `${dir} is not a context project: it has neither vmcontext.json nor a context/ folder with post-install or common/`,
        'Run vmctx check in the project folder, or create context/post-install.',
      );
    }
    const settings: Settings = {
      ...defaultSettings,
      libvirt: { schemaDirectory: values['libvirt-schemas'] ? path.resolve(io.cwd, values['libvirt-schemas']) : undefined },
    };
    const project = await loadProject(nodeFileSystem, dir);
    // A libvirt schema that cannot be used is said once, not per template.
    const schemaProblems = onDomainSchemaProblem((p) =>
      io.stderr(`vmctx check: cannot use the schema ${p.path}${p.fallback ? ` (using ${p.fallback} instead)` : ''}:\n${p.message}\n`),
    );
    const results = await checkProject(project, async (f) => decodeText(await nodeFileSystem.readFile(f)), settings).finally(() => schemaProblems.dispose());
    const diags = toJsonDiagnostics(results, dir);
    io.stdout(format === 'json' ? formatJson(diags) : formatText(diags) + checkSummaryLine(summarizeCheck(project, results)) + '\n');
    return diags.some((d) => d.severity === 'error') ? EXIT_FAILED : EXIT_OK;
  },
};

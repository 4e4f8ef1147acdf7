// The files the guest's shell runs or sources (post-install, common/network, common/routes):
// bytes an editor hides but dash does not — CRLF line endings, a UTF-8 byte-order mark — and
// what running post-install directly needs (a #! line, the execute bit).
import * as path from 'node:path';
import { diagnostic, range, zeroRange, type Diagnostic, type FileDiagnostics, type Severity } from '../../common/diagnostic';
import { isInside } from '../../common/paths';
import { LineIndex } from '../../common/text';
import { contextFileRole, type ContextFileRole, type ContextProject } from '../../project/project';
import type { FileValidator } from '../validator';
import { mayEndIn } from '../../network/contextPaths';

const SOURCE = 'vm-context';
/** The last path segments of the guest's shell files (see contextFileRole). */
const GUEST_FILE_NAMES = ['post-install', 'network', 'routes'];

/** The role of `file` when it is one of the guest's shell files, else undefined. */
export function guestFileRole(project: Pick<ContextProject, 'contextDir'>, file: string): Exclude<ContextFileRole, 'other'> | undefined {
  if (!GUEST_FILE_NAMES.some((name) => mayEndIn(file, name))) return undefined;
  if (!isInside(project.contextDir, file)) return undefined;
  const role = contextFileRole(path.relative(project.contextDir, path.resolve(file)).split(path.sep).join('/'));
  return role === 'other' ? undefined : role;
}

/**
 * Whether a missing #! or execute bit matters: only when the project's guest script runs
 * post-install directly (not `sh post-install`, and not when the project has no such script).
 */
function launchSeverity(project: ContextProject): { severity: Severity; who: string } | undefined {
  const r = project.postInstallRunner;
  if (r?.how !== 'direct') return undefined;
  return { severity: 'error', who: `the guest runs it directly (${path.relative(project.root, r.file)} line ${r.line + 1})` };
}

export const guestFileValidator: FileValidator = {
  id: 'guest-file',
  // A NoCloud project has no context CD-ROM: its context/ is not read by the guest.
  appliesTo: (project, file) => project.flavor !== 'nocloud' && guestFileRole(project, file) !== undefined,
  validate: ({ project, file, text }) => {
    const out: Diagnostic[] = [];
    const lines = new LineIndex(text);
    const cr = text.indexOf('\r');
    if (cr >= 0) {
      const at = lines.positionAt(cr);
      const crlf = text[cr + 1] === '\n';
      out.push(
        diagnostic(
          'guest-crlf',
          'error',
          `line ${at.line + 1} ends in ${crlf ? 'CRLF (Windows line endings)' : 'a bare CR'}: the guest's shell keeps the \\r as part of the line ("set: Illegal option -", "Unterminated quoted string", values ending in \\r); convert the file to LF line endings`,
          range(at.line, at.character, at.line, at.character + (crlf ? 2 : 1)),
          { source: SOURCE, fixes: [{ title: 'Convert line endings to LF', edits: [], lineEndings: 'lf', preferred: true }] },
        ),
      );
    }
    if (guestFileRole(project, file) === 'post-install' && text.trim() !== '' && !text.startsWith('#!')) {
      const launch = launchSeverity(project);
      if (launch) {
        out.push(
          diagnostic('guest-no-shebang', launch.severity, `post-install has no #! line, and ${launch.who} cannot start it ("Exec format error"); start it with #!/bin/sh`, range(0, 0, 0, lines.lineText(0).length), {
            source: SOURCE,
            fixes: [{ title: 'Add #!/bin/sh as the first line', edits: [{ range: zeroRange, newText: '#!/bin/sh\n' }], preferred: true }],
          }),
        );
      }
    }
    return out;
  },
};

/** Problems of the guest files' bytes and modes, which their text does not show. */
export function guestFileChecks(project: ContextProject): FileDiagnostics[] {
  const out: FileDiagnostics[] = [];
  for (const f of project.contextFiles) {
    if (f.role === 'other') continue;
    const ds: Diagnostic[] = [];
    if (f.bom) {
      ds.push(
        diagnostic(
          'guest-bom',
          'error',
          `${f.relative} starts with a UTF-8 byte-order mark (EF BB BF), which editors hide: the guest's shell reads it as part of the first line${f.role === 'post-install' ? ' (so its #! line does not work)' : ' (so the first variable is not set)'}; save the file without the BOM`,
          zeroRange,
          { source: SOURCE, fixes: [{ title: 'Remove the byte-order mark', edits: [], removeBom: true, preferred: true }] },
        ),
      );
    }
    if (f.role === 'post-install' && f.executable === false) {
      const launch = launchSeverity(project);
      if (launch) {
        ds.push(
          diagnostic('guest-not-executable', launch.severity, `post-install is not executable, and ${launch.who} cannot start it ("Permission denied": the ISO keeps the file's mode); run chmod +x ${path.relative(project.root, f.path)}`, zeroRange, {
            source: SOURCE,
          }),
        );
      }
    }
    if (ds.length) out.push({ file: f.path, diagnostics: ds });
  }
  return out;
}

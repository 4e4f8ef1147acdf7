// Document links on the file paths of a domain template that exist in the project: a path on
// the hosts of the remote layout maps to what the build writes (the overlay, context.iso) or to
// the base image; other paths link when they exist relative to the template or the project.
import * as path from 'node:path';
import type { Range } from '../common/diagnostic';
import type { ContextProject } from '../project/project';
import { parseXml, textContent, type XmlElement } from '../xml/parse';
import { remoteIsoPath } from '../validation/domain/rules/layoutRules';
import { isStrictlyInside } from '../common/paths';
import { seedPath } from '../project/project';

export interface DomainLink {
  range: Range;
  /** Absolute local path. */
  target: string;
}

const PATH_ATTRIBUTES = new Set(['file', 'path']);
const PATH_ELEMENTS = new Set(['kernel', 'initrd', 'loader', 'nvram']);

export function domainLinks(text: string, file: string, project: ContextProject, exists: (p: string) => boolean): DomainLink[] {
  const doc = parseXml(text);
  if (!doc.root) return [];
  const out: DomainLink[] = [];
  const add = (value: string, span: { start: number; end: number }) => {
    const target = localPath(value, file, project, exists);
    if (target) out.push({ range: doc.lines.rangeOf(span.start, span.end), target });
  };
  // Iterative, in document order: a well-formed document may nest 100,000 levels deep.
  const stack: XmlElement[] = [doc.root];
  while (stack.length) {
    const el = stack.pop()!;
    for (const a of el.attributes) if (PATH_ATTRIBUTES.has(a.local) && a.value) add(a.value, a.valueSpan);
    if (PATH_ELEMENTS.has(el.local)) {
      const t = el.children.find((c) => c.kind === 'text');
      const value = textContent(el).trim();
      if (t && value) {
        const start = t.span.start + t.value.indexOf(value);
        add(value, { start, end: start + value.length });
      }
    }
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i];
      if (c.kind === 'element') stack.push(c);
    }
  }
  return out;
}

function localPath(value: string, file: string, project: ContextProject, exists: (p: string) => boolean): string | undefined {
  const remote = project.remote.directory;
  const candidates: string[] = [];
  if (remote && path.posix.dirname(value) === remote) {
    const base = path.posix.basename(value);
    if (value === remoteIsoPath(project)) candidates.push(project.output.iso);
    if (project.flavor === 'nocloud' && base.endsWith('-seed.iso')) candidates.push(seedPath(project, base.slice(0, -'-seed.iso'.length)));
    if (base.endsWith('.qcow2')) candidates.push(path.join(project.output.overlaysDir, base));
    if (project.baseImage && path.basename(project.baseImage.path) === base) candidates.push(project.baseImage.path);
  }
  if (!path.isAbsolute(value)) candidates.push(path.resolve(path.dirname(file), value), path.resolve(project.root, value));
  else if (isStrictlyInside(project.root, value)) candidates.push(value);
  return candidates.find((c) => exists(c));
}

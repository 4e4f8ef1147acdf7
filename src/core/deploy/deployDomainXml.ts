// The XML `vmctx deploy` defines: the template with its disk paths pointed at where the files
// went on the host, plus a metadata element carrying a hash of that XML, so a second deploy
// can tell an unchanged definition without comparing libvirt's normalized dumpxml.
import { createHash } from 'node:crypto';
import { attribute, childElements, findAll, parseXml, type XmlElement } from '../xml/parse';

export const DEPLOY_METADATA_NS = 'urn:vm-context:deploy:1';
const PREFIX = 'vmctx';

export interface PreparedDomain {
  xml: string;
  /** sha256 (hex) of the XML before the metadata element was added. */
  hash: string;
}

/**
 * Rewrites the `file` of each disk `<source>` found in `sources` (template path → host path)
 * and adds `<vmctx:deploy hash=…/>` to `<metadata>`. Edits are made on the text, so the
 * template's comments and layout stay as written.
 */
export function prepareDomainXml(template: string, sources: ReadonlyMap<string, string>): PreparedDomain {
  const doc = parseXml(template);
  const root = doc.root;
  if (!root || root.local !== 'domain' || doc.error) throw new Error(`not a well-formed <domain> document${doc.error ? `: ${doc.error.message}` : ''}`);
  const edits: Edit[] = [];
  for (const disk of findAll(root, ['devices', 'disk'])) {
    const source = childElements(disk).find((c) => c.local === 'source');
    const file = source && attribute(source, 'file');
    const to = file && sources.get(file.value);
    if (file && to !== undefined && to !== file.value) edits.push({ ...file.valueSpan, text: escapeAttribute(to) });
  }
  const rewritten = applyEdits(template, edits);
  const hash = createHash('sha256').update(rewritten).digest('hex');
  // The metadata edit is placed on the same parse: it never overlaps a disk's source.
  return { xml: applyEdits(template, [...edits, metadataEdit(template, root, hash)]), hash };
}

type Edit = { start: number; end: number; text: string };

function metadataEdit(xml: string, root: XmlElement, hash: string): Edit {
  const element = `<${PREFIX}:deploy xmlns:${PREFIX}="${DEPLOY_METADATA_NS}" hash="${hash}"/>`;
  const metadata = childElements(root).find((c) => c.local === 'metadata');
  if (metadata?.selfClosing) return { ...metadata.span, text: `<metadata>\n    ${element}\n  </metadata>` };
  if (metadata) {
    // Replace an element of ours from an earlier deploy rather than adding a second one.
    const ours = childElements(metadata).find((c) => c.local === 'deploy' && c.uri === DEPLOY_METADATA_NS);
    if (ours) return { ...ours.span, text: element };
    return { start: metadata.startTag.end, end: metadata.startTag.end, text: `\n    ${element}` };
  }
  const end = root.endTag?.start ?? xml.length;
  return { start: end, end, text: `  <metadata>\n    ${element}\n  </metadata>\n` };
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

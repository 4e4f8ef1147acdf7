// "Show ISO Contents": every entry of context.iso (or a NoCloud seed) under the three names a guest may see —
// Rock Ridge (Linux: the real names), Joliet (Windows, or Linux mounting with -o norock) and
// plain ISO 9660 level 1 — from the same name mapping the embedded writer uses.
import { resolveJolietNames, resolvePrimaryNames } from '../image/iso9660/names';
import { checkLabel } from '../image/iso9660/label';
import type { IsoDirectory, IsoProblem } from '../image/iso9660/tree';
import { formatBytes } from '../common/bytes';
import { memoryTree } from '../io/isoFile';
import { readSeed } from './buildEngine';
import type { SeedInput, SeedsInput } from './buildInputs';

export interface IsoListingRow {
  kind: 'file' | 'dir' | 'symlink';
  rockRidge: string;
  joliet: string;
  iso9660: string;
  size?: number;
  mode?: number;
  target?: string;
}

export function isoListing(root: IsoDirectory): IsoListingRow[] {
  const rows: IsoListingRow[] = [];
  const visit = (dir: IsoDirectory, rr: string, jo: string, iso: string) => {
    const inputs = dir.children.map((c) => ({ name: c.name, isDir: c.kind === 'dir' }));
    const primary = resolvePrimaryNames(inputs);
    const joliet = resolveJolietNames(inputs);
    dir.children.forEach((c, i) => {
      const row: IsoListingRow = {
        kind: c.kind,
        rockRidge: `${rr}/${c.name}`,
        joliet: `${jo}/${joliet[i]}`,
        iso9660: `${iso}/${primary[i].id}`,
      };
      if (c.kind === 'file') Object.assign(row, { size: c.size, mode: c.mode & 0o7777 });
      if (c.kind === 'dir') row.mode = c.mode & 0o7777;
      if (c.kind === 'symlink') row.target = c.target;
      rows.push(row);
      if (c.kind === 'dir') visit(c, row.rockRidge, row.joliet, row.iso9660);
    });
  };
  visit(root, '', '', '');
  return rows;
}

const cell = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The listing as a Markdown document. */
export function isoListingMarkdown(iso: string, label: string, rows: IsoListingRow[], problems: IsoProblem[]): string {
  const lines = [
    `# ${iso}`,
    '',
    `Volume label: **${label}**${checkLabel(label) ? ` (${checkLabel(label)})` : ''}. ${rows.length} ${rows.length === 1 ? 'entry' : 'entries'}.`,
    '',
    'What the guest sees: Linux mounts the Rock Ridge names (the real ones, with modes and symbolic links);',
    'Windows, and Linux with `-o norock`, the Joliet names; plain ISO 9660 readers the 8.3 names.',
    '',
    '| Rock Ridge | Joliet | ISO 9660 | size | mode |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      [
        '',
        cell(r.rockRidge + (r.kind === 'dir' ? '/' : '')) + (r.target ? ` → ${cell(r.target)}` : ''),
        cell(r.joliet),
        cell(r.iso9660),
        r.size !== undefined ? formatBytes(r.size) : '',
        r.mode !== undefined ? r.mode.toString(8).padStart(4, '0') : '',
        '',
      ].join(' | ').trim(),
    ),
  ];
  if (problems.length) {
    lines.push('', '## Left out or changed', '', ...problems.map((p) => `- ${cell(p.path)}: ${p.message}`));
  }
  return lines.join('\n') + '\n';
}

/**
 * A NoCloud VM's seed as `vmctx build` would write it (the same composed files): its listing
 * under `title`, or, when a file cannot be read, why it cannot be made.
 */
export async function seedListingMarkdown(title: string, seeds: SeedsInput, v: SeedInput): Promise<{ markdown: string; rows: IsoListingRow[] }> {
  const { seed, problems } = await readSeed(seeds, v);
  const rows = isoListing(memoryTree((seed?.files ?? []).map((f) => ({ name: f.name, content: Buffer.from(f.text, 'utf8') }))));
  const markdown = isoListingMarkdown(title, seeds.label, rows, problems.map((p) => ({ path: p.file, severity: p.severity, code: p.code, message: p.message })));
  return { markdown, rows };
}

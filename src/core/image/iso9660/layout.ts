// Lays out a whole image: names, both directory trees, path tables, the Rock Ridge
// continuation areas and file extents; then serializes everything but the file data.
// Pure: the same tree and options give the same bytes.
import { UserError } from '../../common/errors';
import { SECTOR, sectorsFor, ucs2Bytes, asciiBytes } from './isoBytes';
import { ContinuationArea, type ContinuationRef } from './continuation';
import { FLAG_DIRECTORY, fitSystemUse, packRecords, recordLength, writeRecord } from './directoryRecord';
import { comparePrimary, compareStrings, resolveJolietNames, resolvePrimaryNames, type PrimaryName } from './names';
import { pathTableSize, writePathTable, type PathTableEntry } from './pathTable';
import { CE_LENGTH, ceEntry, erEntry, nmEntries, pxEntry, slEntries, spEntry, tfEntry } from './rockRidge';
import { MAX_DIRECTORIES, S_IFDIR, S_IFLNK, S_IFREG, type IsoDirectory, type IsoNode, type IsoOptions } from './tree';
import { writeTerminator, writeVolumeDescriptor } from './volumeDescriptors';

export const DEFAULT_LABEL = 'CONTEXT';
const FIRST_VD = 16;

/** Where one file's bytes go. */
export interface FileExtent {
  sector: number;
  size: number;
  source: string;
  /** '/'-separated path inside the image, for messages. */
  path: string;
}

export interface IsoLayout {
  /** Sectors 0 up to the first file extent: system area, descriptors, tables, directories. */
  metadata: Uint8Array;
  /** Files with data, in ascending sector order, back to back from the end of `metadata`. */
  files: FileExtent[];
  totalSectors: number;
}

interface Entry {
  node: IsoNode;
  path: string;
  primary: PrimaryName;
  /** The primary identifier's bytes, made once for sizing and for writing. */
  primaryId: Uint8Array;
  joliet: string;
  dir?: Dir;
  extent?: FileExtent;
}

interface Dir {
  node: IsoDirectory;
  path: string;
  parent?: Dir;
  /** This directory's entry in its parent (none for the root). */
  entry?: Entry;
  entries: Entry[];
  /** Entries in primary (ECMA-119) and Joliet order. */
  primaryOrder: Entry[];
  jolietOrder: Entry[];
  primary: Extent;
  joliet: Extent;
  /** Rock Ridge entries spilled from this directory's primary records, and its first sector. */
  continuation: ContinuationArea;
  continuationSector: number;
}

interface Extent {
  sector: number;
  size: number;
  /** Record lengths/offsets and per-record spilled System Use refs (primary tree only). */
  offsets: number[];
  systemUse: Array<{ inline: Uint8Array[]; ce?: ContinuationRef }>;
  number: number;
}

const emptyExtent = (): Extent => ({ sector: 0, size: 0, offsets: [], systemUse: [], number: 0 });
const ID_SELF = Uint8Array.of(0);
const ID_PARENT = Uint8Array.of(1);

function buildDirs(root: IsoDirectory): Dir[] {
  const all: Dir[] = [];
  const visit = (node: IsoDirectory, path: string, parent: Dir | undefined): Dir => {
    const dir: Dir = { node, path, parent, entries: [], primaryOrder: [], jolietOrder: [], primary: emptyExtent(), joliet: emptyExtent(), continuation: new ContinuationArea(), continuationSector: 0 };
    all.push(dir);
    const inputs = node.children.map((c) => ({ name: c.name, isDir: c.kind === 'dir' }));
    const primary = resolvePrimaryNames(inputs);
    const joliet = resolveJolietNames(inputs);
    node.children.forEach((child, i) => {
      const childPath = path ? `${path}/${child.name}` : child.name;
      const e: Entry = { node: child, path: childPath, primary: primary[i], primaryId: asciiBytes(primary[i].id), joliet: joliet[i] };
      if (child.kind === 'dir') {
        e.dir = visit(child, childPath, dir);
        e.dir.entry = e;
      }
      dir.entries.push(e);
    });
    dir.primaryOrder = [...dir.entries].sort((a, b) => comparePrimary(a.primary, b.primary));
    dir.jolietOrder = [...dir.entries].sort((a, b) => compareStrings(a.joliet, b.joliet));
    return dir;
  };
  visit(root, '', undefined);
  return all;
}

/** Directory-number order: breadth first, children in the tree's own record order. */
function numberOrder(root: Dir, order: (d: Dir) => Entry[]): Dir[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const e of order(out[i])) if (e.dir) out.push(e.dir);
  return out;
}

function countDirectories(d: IsoDirectory): number {
  let n = 1;
  for (const c of d.children) if (c.kind === 'dir') n += countDirectories(c);
  return n;
}

/** The one message for a tree with more directories than path tables can number. */
export function tooManyDirectories(count: number): string {
  return `${count} folders (the context folder included): an ISO 9660 image holds at most ${MAX_DIRECTORIES}, as its path tables number parents in 16 bits; merge folders or use fewer`;
}

export function layoutIso(root: IsoDirectory, options: IsoOptions): IsoLayout {
  const date = options.date;
  const uid = options.uid ?? 0;
  const gid = options.gid ?? 0;
  const count = countDirectories(root);
  if (count > MAX_DIRECTORIES) throw new UserError(tooManyDirectories(count));
  const dirs = buildDirs(root);
  const rootDir = dirs[0];
  const primaryDirs = numberOrder(rootDir, (d) => d.primaryOrder);
  const jolietDirs = numberOrder(rootDir, (d) => d.jolietOrder);
  primaryDirs.forEach((d, i) => (d.primary.number = i + 1));
  jolietDirs.forEach((d, i) => (d.joliet.number = i + 1));

  // Rock Ridge System Use entries of every primary record; spilled ones go to the directory's
  // own continuation area, which is laid out right after its extent (as genisoimage does):
  // libarchive reads a CE area only when it sits directly after the directory it belongs to.
  const nlink = (d: Dir) => 2 + d.entries.filter((e) => e.dir).length;
  // Entries are only copied into the image, so equal ones can be shared: most files have one of a few modes.
  const pxCache = new Map<string, Uint8Array>();
  const px = (mode: number, links: number) => {
    const key = `${mode}:${links}`;
    let e = pxCache.get(key);
    if (!e) pxCache.set(key, (e = pxEntry(mode, links, uid, gid)));
    return e;
  };
  const dirPx = (d: Dir) => px(S_IFDIR | (d.node.mode & 0o7777), nlink(d));
  const tf = tfEntry(date);
  for (const d of primaryDirs) {
    const self = [dirPx(d), tf];
    if (d === rootDir) self.unshift(spEntry());
    const lists: Uint8Array[][] = [self, [dirPx(d.parent ?? d), tf]];
    for (const e of d.primaryOrder) {
      const n = e.node;
      const list = [...nmEntries(n.name)];
      if (n.kind === 'dir') list.push(dirPx(e.dir!));
      else if (n.kind === 'file') list.push(px(S_IFREG | (n.mode & 0o7777), 1));
      else list.push(px(S_IFLNK | 0o777, 1));
      list.push(tf);
      if (n.kind === 'symlink') list.push(...slEntries(n.target));
      lists.push(list);
    }
    const ids = [ID_SELF, ID_PARENT, ...d.primaryOrder.map((e) => e.primaryId)];
    const lengths: number[] = [];
    lists.forEach((list, i) => {
      // The ER entry always lives in the continuation area of the root's `.` record.
      const spill0 = d === rootDir && i === 0 ? [erEntry()] : [];
      const { inline, spill } = fitSystemUse(ids[i].length, list);
      const rest = [...spill, ...spill0];
      const ce = rest.length ? d.continuation.place(rest) : undefined;
      d.primary.systemUse.push({ inline, ce });
      const su = inline.reduce((n, e) => n + e.length, 0) + (ce ? CE_LENGTH : 0);
      lengths.push(recordLength(ids[i].length, su));
    });
    const packed = packRecords(lengths);
    d.primary.offsets = packed.offsets;
    d.primary.size = packed.size;
  }
  for (const d of jolietDirs) {
    const lengths = [1, 1, ...d.jolietOrder.map((e) => e.joliet.length * 2)].map((n) => recordLength(n, 0));
    const packed = packRecords(lengths);
    d.joliet.offsets = packed.offsets;
    d.joliet.size = packed.size;
  }

  // Path tables.
  const ptEntries = (order: Dir[], tree: 'primary' | 'joliet', id: (d: Dir) => Uint8Array): PathTableEntry[] =>
    order.map((d) => ({ id: id(d), extent: 0, parent: (d.parent ?? d)[tree].number }));
  // Through the directory's own entry: searching the parent's entries is quadratic in a folder of folders.
  const primaryId = (d: Dir) => (d.entry ? d.entry.primaryId : ID_SELF);
  const jolietId = (d: Dir) => (d.entry ? ucs2Bytes(d.entry.joliet) : ID_SELF);
  const primaryPt = ptEntries(primaryDirs, 'primary', primaryId);
  const jolietPt = ptEntries(jolietDirs, 'joliet', jolietId);
  const primaryPtSize = pathTableSize(primaryPt);
  const jolietPtSize = pathTableSize(jolietPt);

  // Sector assignment.
  let next = FIRST_VD + 3;
  const take = (sectors: number) => ((next += sectors), next - sectors);
  const pt = {
    pl: take(sectorsFor(primaryPtSize)),
    pm: take(sectorsFor(primaryPtSize)),
    jl: take(sectorsFor(jolietPtSize)),
    jm: take(sectorsFor(jolietPtSize)),
  };
  for (const d of primaryDirs) {
    d.primary.sector = take(d.primary.size / SECTOR);
    d.continuationSector = take(d.continuation.sectorCount);
  }
  for (const d of jolietDirs) d.joliet.sector = take(d.joliet.size / SECTOR);
  const metadataSectors = next;
  const files: FileExtent[] = [];
  for (const d of primaryDirs)
    for (const e of d.primaryOrder) {
      const n = e.node;
      if (n.kind !== 'file') continue;
      // Empty files take no sector; they point at sector 0 with size 0.
      e.extent = { sector: n.size ? take(sectorsFor(n.size)) : 0, size: n.size, source: n.source, path: e.path };
      if (n.size) files.push(e.extent);
    }
  const totalSectors = next;
  primaryDirs.forEach((d, i) => (primaryPt[i].extent = d.primary.sector));
  jolietDirs.forEach((d, i) => (jolietPt[i].extent = d.joliet.sector));

  // Serialization.
  const out = new Uint8Array(metadataSectors * SECTOR);
  // Records are written straight from the entries: no object per record (thousands of files).
  const put = (at: number, extent: number, size: number, flags: number, id: Uint8Array, systemUse: Uint8Array[]) =>
    writeRecord(out, at, { extent, size, flags, date, id, systemUse });
  const fileExtent = (e: Entry) => e.extent?.sector ?? 0;
  const fileSize = (e: Entry) => e.extent?.size ?? 0;
  for (const d of primaryDirs) {
    const base = d.primary.sector * SECTOR;
    const parent = d.parent ?? d;
    const su = (i: number) => {
      const { inline, ce } = d.primary.systemUse[i];
      return ce ? [...inline, ceEntry(d.continuationSector + ce.sector, ce.offset, ce.length)] : inline;
    };
    const offsets = d.primary.offsets;
    put(base + offsets[0], d.primary.sector, d.primary.size, FLAG_DIRECTORY, ID_SELF, su(0));
    put(base + offsets[1], parent.primary.sector, parent.primary.size, FLAG_DIRECTORY, ID_PARENT, su(1));
    d.primaryOrder.forEach((e, k) => {
      const i = k + 2;
      if (e.dir) put(base + offsets[i], e.dir.primary.sector, e.dir.primary.size, FLAG_DIRECTORY, e.primaryId, su(i));
      else put(base + offsets[i], fileExtent(e), fileSize(e), 0, e.primaryId, su(i));
    });
    d.continuation.serialize(out.subarray(d.continuationSector * SECTOR), d.continuationSector);
  }
  const none: Uint8Array[] = [];
  for (const d of jolietDirs) {
    const base = d.joliet.sector * SECTOR;
    const parent = d.parent ?? d;
    const offsets = d.joliet.offsets;
    put(base + offsets[0], d.joliet.sector, d.joliet.size, FLAG_DIRECTORY, ID_SELF, none);
    put(base + offsets[1], parent.joliet.sector, parent.joliet.size, FLAG_DIRECTORY, ID_PARENT, none);
    d.jolietOrder.forEach((e, k) => {
      const at = base + offsets[k + 2];
      if (e.dir) put(at, e.dir.joliet.sector, e.dir.joliet.size, FLAG_DIRECTORY, ucs2Bytes(e.joliet), none);
      else put(at, fileExtent(e), fileSize(e), 0, ucs2Bytes(e.joliet), none);
    });
  }
  writePathTable(out, pt.pl * SECTOR, primaryPt, false);
  writePathTable(out, pt.pm * SECTOR, primaryPt, true);
  writePathTable(out, pt.jl * SECTOR, jolietPt, false);
  writePathTable(out, pt.jm * SECTOR, jolietPt, true);

  const rootRecord = (tree: 'primary' | 'joliet') => {
    const r = new Uint8Array(34);
    writeRecord(r, 0, { extent: rootDir[tree].sector, size: rootDir[tree].size, flags: FLAG_DIRECTORY, date, id: ID_SELF, systemUse: [] });
    return r;
  };
  const common = { label: options.label ?? DEFAULT_LABEL, systemId: 'LINUX', applicationId: options.applicationId ?? 'VM-CONTEXT', volumeSectors: totalSectors, date };
  writeVolumeDescriptor(out, FIRST_VD * SECTOR, {
    ...common, joliet: false, pathTableSize: primaryPtSize, lPathTable: pt.pl, mPathTable: pt.pm, rootRecord: rootRecord('primary'),
  });
  writeVolumeDescriptor(out, (FIRST_VD + 1) * SECTOR, {
    ...common, joliet: true, pathTableSize: jolietPtSize, lPathTable: pt.jl, mPathTable: pt.jm, rootRecord: rootRecord('joliet'),
  });
  writeTerminator(out, (FIRST_VD + 2) * SECTOR);
  return { metadata: out, files, totalSectors };
}

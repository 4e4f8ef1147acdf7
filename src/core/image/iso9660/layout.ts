// Lays out a whole image: names, both directory trees, path tables, the Rock Ridge
// continuation areas and file extents; then serializes everything but the file data.
// Pure: the same tree and options give the same bytes.
import { UserError } from '../../common/errors';
import { SECTOR, sectorsFor, ucs2Bytes, asciiBytes } from './isoBytes';
import { ContinuationArea, type ContinuationRef } from './continuation';
import { FLAG_DIRECTORY, fitsInline, inlineCount, namedSystemUseLength, packRecords, recordLength, systemUseLength, writeJolietRecord, writeNamedRecord, writeRecord, type RecordFields } from './directoryRecord';
import { comparePrimary, compareStrings, resolveJolietNames, resolvePrimaryNames, type PrimaryName } from './names';
import { pathTableSize, writePathTable, type PathTableEntry } from './pathTable';
import { CE_LENGTH, ceEntry, erEntry, isShortNm, nmEntries, pxEntry, slEntries, spEntry, tfEntry } from './rockRidge';
import { MAX_DIRECTORIES, S_IFDIR, S_IFLNK, S_IFREG, type IsoDirectory, type IsoFile, type IsoNode, type IsoOptions } from './tree';
import { writeTerminator, writeVolumeDescriptor } from './volumeDescriptors';

export const DEFAULT_LABEL = 'CONTEXT';
const FIRST_VD = 16;

/** Where one file's bytes go. */
export interface FileExtent {
  sector: number;
  size: number;
  source: string;
  /** '/'-separated path inside the image, for messages. */
  readonly path: string;
}

/** A FileExtent whose path, for messages only, is made when asked rather than for each of thousands of files. */
class PlacedFile implements FileExtent {
  constructor(
    public sector: number,
    public size: number,
    public source: string,
    private readonly folder: string,
    private readonly name: string,
  ) {}

  get path(): string {
    return this.folder ? `${this.folder}/${this.name}` : this.name;
  }
}

export interface IsoLayout {
  /** Sectors 0 up to the first file extent: system area, descriptors, tables, directories. */
  metadata: Uint8Array;
  /** Files with data, in ascending sector order, back to back from the end of `metadata`. */
  files: FileExtent[];
  totalSectors: number;
}

// Thousands of files: the per-entry steps below allocate as little as they can (no array or
// object per record beyond what the image needs, indexed loops), as a build's garbage and the
// memory it touches cost more than the layout's arithmetic.
interface Entry {
  node: IsoNode;
  primary: PrimaryName;
  joliet: string;
  /** Set at creation (undefined, 0) so the object keeps its shape: a field added later costs a property array per entry. */
  dir: Dir | undefined;
  /** A file's first sector (0 when empty, and for anything else). */
  sector: number;
}

interface Dir {
  node: IsoDirectory;
  path: string;
  parent?: Dir;
  /** This directory's entry in its parent (none for the root). */
  entry?: Entry;
  entries: Entry[];
  /** How many of its entries are directories (its link count is 2 more). */
  subdirs: number;
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
  /**
   * Record offsets; per record (primary tree only) its inline System Use entries and where the
   * rest spilled; null entries for NM, PX and TF inline (writeNamedRecord).
   */
  offsets: number[];
  systemUse: Array<Uint8Array[] | null>;
  spilled: Array<ContinuationRef | undefined>;
  number: number;
}

const emptyExtent = (): Extent => ({ sector: 0, size: 0, offsets: [], systemUse: [], spilled: [], number: 0 });
const ID_SELF = Uint8Array.of(0);
const ID_PARENT = Uint8Array.of(1);

function buildDirs(root: IsoDirectory): Dir[] {
  const all: Dir[] = [];
  const visit = (node: IsoDirectory, path: string, parent: Dir | undefined): Dir => {
    const dir: Dir = { node, path, parent, entries: [], subdirs: 0, primaryOrder: [], jolietOrder: [], primary: emptyExtent(), joliet: emptyExtent(), continuation: new ContinuationArea(), continuationSector: 0 };
    all.push(dir);
    const children = node.children;
    const inputs = children.map((c) => ({ name: c.name, isDir: c.kind === 'dir' }));
    const primary = resolvePrimaryNames(inputs);
    const joliet = resolveJolietNames(inputs);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      const e: Entry = { node: child, primary: primary[i], joliet: joliet[i], dir: undefined, sector: 0 };
      if (child.kind === 'dir') {
        e.dir = visit(child, path ? `${path}/${child.name}` : child.name, dir);
        e.dir.entry = e;
        dir.subdirs++;
      }
      dir.entries.push(e);
    }
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
  for (let i = 0; i < out.length; i++) {
    const entries = order(out[i]);
    for (let k = 0; k < entries.length; k++) if (entries[k].dir) out.push(entries[k].dir!);
  }
  return out;
}

function countDirectories(d: IsoDirectory): number {
  let n = 1;
  for (let i = 0; i < d.children.length; i++) {
    const c = d.children[i];
    if (c.kind === 'dir') n += countDirectories(c);
  }
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
  // Entries are only copied into the image, so equal ones can be shared: most files have one of a few modes.
  const pxCache = new Map<number, Uint8Array>();
  const px = (mode: number, links: number) => {
    const key = mode * 0x100000 + links; // mode < 2^16, links ≤ MAX_DIRECTORIES + 1 < 2^20
    let e = pxCache.get(key);
    if (!e) pxCache.set(key, (e = pxEntry(mode, links, uid, gid)));
    return e;
  };
  const dirPx = (d: Dir) => px(S_IFDIR | (d.node.mode & 0o7777), 2 + d.subdirs);
  const tf = tfEntry(date);
  for (const d of primaryDirs) {
    const self = [dirPx(d), tf];
    if (d === rootDir) self.unshift(spEntry());
    const lengths: number[] = [];
    // One record's System Use: inline what fits, the rest (and `more`) in the continuation area.
    const add = (idBytes: number, list: Uint8Array[], more?: Uint8Array) => {
      const k = inlineCount(idBytes, list);
      let ce: ContinuationRef | undefined;
      if (k < list.length || more) {
        const rest = list.slice(k);
        if (more) rest.push(more);
        ce = d.continuation.place(rest);
        list = list.slice(0, k);
      }
      d.primary.systemUse.push(list);
      d.primary.spilled.push(ce);
      lengths.push(recordLength(idBytes, systemUseLength(list) + (ce ? CE_LENGTH : 0)));
    };
    // The ER entry always lives in the continuation area of the root's `.` record.
    add(1, self, d === rootDir ? erEntry() : undefined);
    add(1, [dirPx(d.parent ?? d), tf]);
    const order = d.primaryOrder;
    for (let i = 0; i < order.length; i++) {
      const e = order[i];
      const n = e.node;
      // Most records: a short name, PX and TF, inline; only their length is kept here.
      if (n.kind !== 'symlink' && isShortNm(n.name)) {
        const su = namedSystemUseLength(n.name, n.kind === 'dir' ? dirPx(e.dir!) : px(S_IFREG | (n.mode & 0o7777), 1), tf);
        if (fitsInline(e.primary.id.length, su)) {
          d.primary.systemUse.push(null);
          d.primary.spilled.push(undefined);
          lengths.push(recordLength(e.primary.id.length, su));
          continue;
        }
      }
      const list = nmEntries(n.name);
      if (n.kind === 'dir') list.push(dirPx(e.dir!));
      else if (n.kind === 'file') list.push(px(S_IFREG | (n.mode & 0o7777), 1));
      else list.push(px(S_IFLNK | 0o777, 1));
      list.push(tf);
      if (n.kind === 'symlink') for (const sl of slEntries(n.target)) list.push(sl);
      add(e.primary.id.length, list);
    }
    const packed = packRecords(lengths);
    d.primary.offsets = packed.offsets;
    d.primary.size = packed.size;
  }
  for (const d of jolietDirs) {
    const lengths = [recordLength(1, 0), recordLength(1, 0)];
    for (let i = 0; i < d.jolietOrder.length; i++) lengths.push(recordLength(d.jolietOrder[i].joliet.length * 2, 0));
    const packed = packRecords(lengths);
    d.joliet.offsets = packed.offsets;
    d.joliet.size = packed.size;
  }

  // Path tables.
  const ptEntries = (order: Dir[], tree: 'primary' | 'joliet', id: (d: Dir) => Uint8Array): PathTableEntry[] =>
    order.map((d) => ({ id: id(d), extent: 0, parent: (d.parent ?? d)[tree].number }));
  // Through the directory's own entry: searching the parent's entries is quadratic in a folder of folders.
  const primaryId = (d: Dir) => (d.entry ? asciiBytes(d.entry.primary.id) : ID_SELF);
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
    for (let i = 0; i < d.primaryOrder.length; i++) {
      const e = d.primaryOrder[i];
      const n = e.node;
      if (n.kind !== 'file') continue;
      // Empty files take no sector; they point at sector 0 with size 0.
      if (!n.size) continue;
      e.sector = take(sectorsFor(n.size));
      files.push(new PlacedFile(e.sector, n.size, n.source, d.path, n.name));
    }
  const totalSectors = next;
  primaryDirs.forEach((d, i) => (primaryPt[i].extent = d.primary.sector));
  jolietDirs.forEach((d, i) => (jolietPt[i].extent = d.joliet.sector));

  // Serialization.
  const out = new Uint8Array(metadataSectors * SECTOR);
  // Every primary record goes through one reused field object: no object per record (thousands of files).
  const rec: RecordFields = { extent: 0, size: 0, flags: 0, date, id: ID_SELF, systemUse: [] };
  const put = (at: number, extent: number, size: number, flags: number, id: Uint8Array | string, systemUse: readonly Uint8Array[]) => {
    rec.extent = extent;
    rec.size = size;
    rec.flags = flags;
    rec.id = id;
    rec.systemUse = systemUse;
    writeRecord(out, at, rec);
  };
  for (const d of primaryDirs) {
    const base = d.primary.sector * SECTOR;
    const parent = d.parent ?? d;
    const su = (i: number) => {
      const inline = d.primary.systemUse[i]!;
      const ce = d.primary.spilled[i];
      return ce ? [...inline, ceEntry(d.continuationSector + ce.sector, ce.offset, ce.length)] : inline;
    };
    const offsets = d.primary.offsets;
    put(base + offsets[0], d.primary.sector, d.primary.size, FLAG_DIRECTORY, ID_SELF, su(0));
    put(base + offsets[1], parent.primary.sector, parent.primary.size, FLAG_DIRECTORY, ID_PARENT, su(1));
    for (let k = 0; k < d.primaryOrder.length; k++) {
      const e = d.primaryOrder[k];
      const n = e.node;
      const at = base + offsets[k + 2];
      const size = n.kind === 'file' ? n.size : 0;
      if (d.primary.systemUse[k + 2] === null) {
        if (e.dir) writeNamedRecord(out, at, e.dir.primary.sector, e.dir.primary.size, FLAG_DIRECTORY, date, e.primary.id, n.name, dirPx(e.dir), tf);
        else writeNamedRecord(out, at, e.sector, size, 0, date, e.primary.id, n.name, px(S_IFREG | ((n as IsoFile).mode & 0o7777), 1), tf);
      } else if (e.dir) put(at, e.dir.primary.sector, e.dir.primary.size, FLAG_DIRECTORY, e.primary.id, su(k + 2));
      else put(at, e.sector, size, 0, e.primary.id, su(k + 2));
    }
    d.continuation.serialize(out.subarray(d.continuationSector * SECTOR), d.continuationSector);
  }
  for (const d of jolietDirs) {
    const base = d.joliet.sector * SECTOR;
    const parent = d.parent ?? d;
    const offsets = d.joliet.offsets;
    writeJolietRecord(out, base + offsets[0], d.joliet.sector, d.joliet.size, FLAG_DIRECTORY, date, ID_SELF);
    writeJolietRecord(out, base + offsets[1], parent.joliet.sector, parent.joliet.size, FLAG_DIRECTORY, date, ID_PARENT);
    for (let k = 0; k < d.jolietOrder.length; k++) {
      const e = d.jolietOrder[k];
      const at = base + offsets[k + 2];
      if (e.dir) writeJolietRecord(out, at, e.dir.joliet.sector, e.dir.joliet.size, FLAG_DIRECTORY, date, e.joliet);
      else writeJolietRecord(out, at, e.sector, e.node.kind === 'file' ? e.node.size : 0, 0, date, e.joliet);
    }
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

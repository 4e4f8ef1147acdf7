// Builds an ISO from a folder with the embedded writer: scan, lay out, stream to a
// temporary file next to the target, rename. A cancelled or failed build leaves the
// previous image as it was and no temporary file behind.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { CancelledError, UserError, throwIfAborted } from '../common/errors';
import { layoutIso, streamIso, DEFAULT_LABEL, type FileExtent, type FileReader, type IsoDirectory, type IsoLayout, type IsoProblem } from '../image/iso9660/index';
import { SECTOR } from '../image/iso9660/isoBytes';
import { sampleHasher } from './fileIdentityCheck';
import { writeAtomically } from './atomicFile';
import { readFullySync } from './regularFile';
import { imageDate, scanContext, type ContextScan } from './contextScan';
import { nodeFileReader } from './isoFileReader';

export interface WriteIsoOptions {
  label?: string;
  /** Environment for SOURCE_DATE_EPOCH; defaults to process.env. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  onProgress?(written: number, total: number): void;
  /** A scan made earlier (e.g. the build's plan), to avoid reading the folder twice. */
  scan?: ContextScan;
}

export interface WriteIsoResult {
  bytes: number;
  files: number;
  date: number;
  problems: IsoProblem[];
  /** Where each file with data lies in the image (by source path). */
  extents: readonly FileExtent[];
  /** sampleHash of the image, taken from its bytes as they were written (the build record's). */
  sample: string;
}

export async function writeIsoFromFolder(folder: string, target: string, options: WriteIsoOptions = {}): Promise<WriteIsoResult> {
  const scan = options.scan ?? (await scanContext(folder, options.signal));
  const errors = scan.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    throw new UserError(`cannot build ${target}: ${errors.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const date = imageDate(options.env ?? process.env, scan.newestMtime);
  const layout = layoutIso(scan.root, { label: options.label ?? DEFAULT_LABEL, date });
  const sample = await writeImage(target, layout, nodeFileReader, options);
  return { bytes: layout.totalSectors * SECTOR, files: layout.files.length, date, problems: scan.problems, extents: layout.files, sample };
}

/**
 * Streams `layout` into `target` atomically; returns the image's sampleHash, hashed from the
 * bytes as they go out (each chunk after its write has been issued, so the hash runs beside the
 * kernel's copy), so the build record does not read the image back.
 */
async function writeImage(target: string, layout: IsoLayout, reader: FileReader, options: { signal?: AbortSignal; onProgress?(written: number, total: number): void }): Promise<string> {
  const size = layout.totalSectors * SECTOR;
  const sampler = sampleHasher(size);
  let sample: string | undefined;
  await writeAtomically(target, async (file) => {
    const sink = {
      write: (chunk: Uint8Array) => {
        const writing = file.write(chunk);
        sampler.update(chunk);
        return writing;
      },
    };
    await streamIso(layout, sink, reader, { signal: options.signal, onProgress: options.onProgress });
    // streamIso writes every byte of the image once, in order; anything else is a bug, caught
    // before the image takes the target's place.
    sample = sampler.digest();
    if (sample === undefined) throw new Error(`${target}: the image streamed is not ${size} bytes`);
  });
  return sample!;
}

const COMPARE_CHUNK = 1 << 20;
/** Bytes compared between two turns of the event loop: the extension plans builds for its status. */
const COMPARE_SLICE = 8 << 20;

/**
 * Whether `image` holds the `size` bytes of `file` at `offset` (the build's check of a context
 * file whose identity changed since the image was written). False when either cannot be read,
 * or the file is no longer `size` bytes long. Gives the event loop a turn every 8 MiB; buffers
 * are the call's own, so concurrent plans cannot mix their bytes.
 */
export async function imageHoldsFile(image: string, offset: number, file: string, size: number, signal?: AbortSignal): Promise<boolean> {
  let a: number | undefined;
  let b: number | undefined;
  try {
    a = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    b = openSync(image, 'r');
    const chunk = Math.min(size, COMPARE_CHUNK);
    const x = Buffer.allocUnsafe(chunk + 1);
    const y = Buffer.allocUnsafe(chunk);
    for (let at = 0, sinceTurn = 0; at < size; ) {
      const want = Math.min(size - at, chunk);
      if (readFullySync(a, x, want, at) !== want || readFullySync(b, y, want, offset + at) !== want) return false;
      if (!x.subarray(0, want).equals(y.subarray(0, want))) return false;
      at += want;
      if ((sinceTurn += want) >= COMPARE_SLICE && at < size) {
        sinceTurn = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
        throwIfAborted(signal);
      }
    }
    // One byte more in the file: it grew since its stat.
    return readSync(a, x, 0, 1, size) === 0;
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    return false;
  } finally {
    if (a !== undefined) closeSync(a);
    if (b !== undefined) closeSync(b);
  }
}

/** A file of an image made from memory (a NoCloud seed): read-only for everyone. */
export interface MemoryFile {
  name: string;
  content: Uint8Array;
}

/** The image tree of a flat ISO of in-memory files (what writeIsoFromMemory stores; Show ISO Contents lists it). */
export function memoryTree(files: MemoryFile[]): IsoDirectory {
  return { kind: 'dir', name: '', mode: 0o755, children: files.map((f) => ({ kind: 'file', name: f.name, mode: 0o644, size: f.content.length, source: f.name })) };
}

/** Writes a flat ISO of a few in-memory files (the embedded writer, atomically). */
export async function writeIsoFromMemory(files: MemoryFile[], target: string, options: { label: string; date: number; signal?: AbortSignal }): Promise<WriteIsoResult> {
  const byName = new Map(files.map((f) => [f.name, f.content]));
  const root = memoryTree(files);
  const layout = layoutIso(root, { label: options.label, date: options.date });
  const reader: FileReader = {
    open: async (name) => {
      const data = byName.get(name);
      if (!data) throw new UserError(`no content for ${name}`);
      return {
        read: async (into, offset, length, position) => {
          const part = data.subarray(position, position + length);
          into.set(part, offset);
          return part.length;
        },
        close: async () => undefined,
      };
    },
  };
  const sample = await writeImage(target, layout, reader, { signal: options.signal });
  return { bytes: layout.totalSectors * SECTOR, files: files.length, date: options.date, problems: [], extents: layout.files, sample };
}

// Streams an image to a sink: the metadata, then every file's bytes read in windows of 1 MiB
// (several small files read at once, one window filled while the previous one is written).
// Never holds more than two windows of file data in memory: every page of a buffer is touched,
// and a page fault costs more than the system call a bigger window spares.
import { CancelledError, UserError } from '../../common/errors';
import { SECTOR } from './isoBytes';
import type { FileExtent, IsoLayout } from './layout';

/** Where the image goes: sequential writes; a chunk may be reused once the promise resolves. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
}

export interface OpenFile {
  /** Reads up to `length` bytes at `position` into `into[offset..]`; 0 at end of file. */
  read(into: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** OpenFile's synchronous form. */
export interface SyncOpenFile {
  read(into: Uint8Array, offset: number, length: number, position: number): number;
  close(): void;
}

/** Opens sources named in the tree; a missing file must reject (or throw) with an error naming it. */
export interface FileReader {
  open(source: string): Promise<OpenFile>;
  /**
   * The same, synchronously, for a reader whose calls are cheap (files on a local disk, mostly
   * cached): a window of many small files is then filled without a promise per call.
   */
  openSync?(source: string): SyncOpenFile;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Called after each window with bytes written so far and the image size. */
  onProgress?(written: number, total: number): void;
  windowBytes?: number;
  concurrency?: number;
}

/** Where a piece of one file lies in a window. */
interface Piece {
  file: FileExtent;
  /** Offset inside the window, length; `last`: the piece ends the file. */
  at: number;
  length: number;
  last: boolean;
  /** Offset inside the file. */
  from: number;
}

export async function streamIso(layout: IsoLayout, sink: ByteSink, reader: FileReader, options: StreamOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  const windowBytes = options.windowBytes ?? 1 << 20;
  const concurrency = options.concurrency ?? 8;
  const total = layout.totalSectors * SECTOR;
  const check = () => {
    if (signal?.aborted) throw new CancelledError();
  };
  check();
  await sink.write(layout.metadata);
  let written = layout.metadata.length;
  onProgress?.(written, total);

  const handles = new Map<FileExtent, OpenFile>();
  const buffers = [new Uint8Array(windowBytes), new Uint8Array(windowBytes)];
  // Where the byte past each file's end is read into (it must not be there): its value is never used.
  const probe = new Uint8Array(1);
  let fileIndex = 0;
  let fileOffset = 0;
  const dataStart = layout.metadata.length;

  // Which pieces of which files fill the window starting at image offset `start`.
  const plan = (start: number): { pieces: Piece[]; length: number } => {
    const pieces: Piece[] = [];
    const end = Math.min(start + windowBytes, total);
    while (fileIndex < layout.files.length) {
      const f = layout.files[fileIndex];
      const fileStart = f.sector * SECTOR + fileOffset;
      if (fileStart >= end) break;
      const length = Math.min(f.size - fileOffset, end - fileStart);
      const last = fileOffset + length === f.size;
      pieces.push({ file: f, from: fileOffset, at: fileStart - start, length, last });
      if (last) {
        fileIndex++;
        fileOffset = 0;
      } else fileOffset += length;
    }
    return { pieces, length: end - start };
  };

  const readPiece = async (buf: Uint8Array, p: Piece): Promise<void> => {
    let h = handles.get(p.file);
    if (!h) {
      h = await reader.open(p.file.source);
      handles.set(p.file, h);
    }
    let done = 0;
    while (done < p.length) {
      const n = await h.read(buf, p.at + done, p.length - done, p.from + done);
      if (n === 0) throw changed(p.file, 'became shorter');
      done += n;
    }
    if (p.last) {
      const extra = await h.read(probe, 0, 1, p.file.size);
      handles.delete(p.file);
      await h.close();
      if (extra) throw changed(p.file, 'grew');
    }
  };

  // Pieces are read in image order, so at most one file is open between two calls: the one a
  // window ended inside of (no map of handles, set and deleted for each of thousands of files).
  let openFile: FileExtent | undefined;
  let openHandle: SyncOpenFile | undefined;
  const openSync = reader.openSync?.bind(reader);
  const readPieceSync = (buf: Uint8Array, p: Piece, open: (source: string) => SyncOpenFile): void => {
    let h = openFile === p.file ? openHandle : undefined;
    if (!h) {
      h = openHandle = open(p.file.source);
      openFile = p.file;
    }
    // A file's last piece asks for one byte more where the window has room (the sector padding
    // after it, zeroed before, or the next piece, read after): a read that comes back short has
    // met the end of the file, so no read of its own is needed to see that it did not grow.
    const room = p.last && p.at + p.length < buf.length ? 1 : 0;
    let done = 0;
    let ended = false;
    while (done < p.length) {
      const want = p.length - done + room;
      const n = h.read(buf, p.at + done, want, p.from + done);
      if (n === 0) throw changed(p.file, 'became shorter');
      done += n;
      ended = n < want;
    }
    if (p.last) {
      const extra = done > p.length ? 1 : ended ? 0 : h.read(probe, 0, 1, p.file.size);
      openFile = openHandle = undefined;
      h.close();
      if (extra) throw changed(p.file, 'grew');
    }
  };

  const fill = async (buf: Uint8Array, w: { pieces: Piece[]; length: number }): Promise<void> => {
    // Zero the gaps between pieces (sector padding) since buffers are reused.
    const pieces = w.pieces;
    let at = 0;
    for (let i = 0; i < pieces.length; i++) {
      buf.fill(0, at, pieces[i].at);
      at = pieces[i].at + pieces[i].length;
    }
    buf.fill(0, at, w.length);
    if (openSync) {
      for (let i = 0; i < pieces.length; i++) {
        check();
        readPieceSync(buf, pieces[i], openSync);
      }
      return;
    }
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (next < w.pieces.length && !failure) {
        try {
          check();
          await readPiece(buf, w.pieces[next++]);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    // Let every worker stop before failing, so no file is opened after cleanup.
    await Promise.all(Array.from({ length: Math.min(concurrency, w.pieces.length) }, worker));
    if (failure) throw failure.error;
  };

  let pending: Promise<void> = Promise.resolve();
  try {
    let start = dataStart;
    let current = plan(start);
    let currentBuf = 0;
    pending = current.length ? fill(buffers[0], current) : Promise.resolve();
    while (start < total) {
      await pending;
      check();
      const buf = buffers[currentBuf].subarray(0, current.length);
      const nextStart = start + current.length;
      const upcoming = nextStart < total ? plan(nextStart) : undefined;
      const nextBuf = 1 - currentBuf;
      // Let timers and I/O callbacks (an abort, a progress display) run between windows.
      await yieldToEventLoop();
      check();
      const writing = sink.write(buf);
      pending = upcoming ? fill(buffers[nextBuf], upcoming) : Promise.resolve();
      // Keep a failed read from going unhandled while the write is awaited.
      pending.catch(() => undefined);
      await writing;
      written += current.length;
      onProgress?.(written, total);
      start = nextStart;
      if (upcoming) current = upcoming;
      currentBuf = nextBuf;
    }
    await pending;
  } finally {
    await pending.catch(() => undefined);
    await Promise.allSettled([...handles.values()].map((h) => h.close()));
    try {
      openHandle?.close();
    } catch {
      // closing after a failure: the failure is what is reported
    }
  }
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

function changed(f: FileExtent, how: string): UserError {
  return new UserError(`${f.path} ${how} while the image was being written (expected ${f.size} bytes); build again`);
}

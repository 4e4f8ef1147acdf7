// The file-system port of the core. The CLI and the extension (for local folders) use the
// Node implementation in core/io/nodeFileSystem.ts; tests can use an in-memory one.

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  type: FileType;
  size: number;
  mtimeMs: number;
  /** POSIX permission bits, when the file system has them. */
  mode?: number;
  /** Type 'other': what it is, for messages ("a named pipe", "a socket", "a device file"). */
  special?: string;
}

/** Where a symbolic link leads: the stat of what is at the end, or why nothing is. */
export type LinkEnd = FileStat | 'missing' | 'loop';

export interface DirEntry {
  name: string;
  type: FileType;
}

export interface FileSystem {
  readFile(path: string): Promise<Uint8Array>;
  /** Reads at most `length` bytes from the start (to sniff a root element or an image header). */
  readHead(path: string, length: number): Promise<Uint8Array>;
  readDirectory(path: string): Promise<DirEntry[]>;
  /** Undefined when the path does not exist. Does not follow a final symlink's target type. */
  stat(path: string): Promise<FileStat | undefined>;
  /** What `path` is with its links followed (never a 'symlink'); throws on other errors (EACCES). */
  resolveLink(path: string): Promise<LinkEnd>;
  /** The target a symbolic link holds, as written. */
  readLink(path: string): Promise<string>;
}

/** Synchronous reads, for what a synchronous validator needs at once: the RELAX NG schemas. */
export interface SyncFileReader {
  /** A file's UTF-8 text; throws when it cannot be read. */
  readText(path: string): string;
  /** Modification time, or undefined when the path does not exist (or cannot be seen). */
  mtimeMs(path: string): number | undefined;
}

const decoder = new TextDecoder('utf-8');

/** Decodes UTF-8 (replacing invalid bytes) and drops a BOM, as editors show the text. */
export function decodeText(bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

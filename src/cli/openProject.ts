// The project folder of `vmctx check|build|deploy [DIR]`: resolved, checked and loaded the
// same way for every command, with the same one-line errors.
import * as path from 'node:path';
import { UsageError, type CliIO } from './cliIo';
import { folderKind, nodeFileSystem } from '../core/io/nodeFileSystem';
import { loadProject } from '../core/project/load';
import { isContextProject } from '../core/project/discover';
import { UserError } from '../core/common/errors';
import { decodeText, type FileSystem } from '../core/common/fileSystem';
import type { ContextProject } from '../core/project/project';
import type { TextReader } from '../core/validation/checkProject';
import type { FolderListing } from '../core/io/contextScan';

export interface OpenedProject {
  dir: string;
  project: ContextProject;
  /** The check's reader: the loader's bytes of a file, once, else the disk. */
  read: TextReader;
  /** Drops the loader's bytes the check did not take (a partial build's check skips files). */
  releaseUnread(): void;
  /** The folders the loader listed (with `keepListings`), each given once: the build's scan of the context folder takes them. */
  listed: FolderListing;
}

export interface OpenOptions {
  /** Called for each file the loader reads (`vmctx check` starts its worker threads by their number). */
  onRead?: () => void;
  /** False: the loader keeps no parsed template (`vmctx check` parses each once more, keeping none alive). */
  keepDocuments?: boolean;
  /** Keep the folders' listings for `listed` (`vmctx build`: the ISO scan lists the context folder no second time). */
  keepListings?: boolean;
}

export async function openProject(command: string, positionals: string[], io: CliIO, options: OpenOptions = {}): Promise<OpenedProject> {
  if (positionals.length > 1) throw new UsageError(`expected at most one project folder, got ${positionals.length}`);
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  const kind = await folderKind(dir);
  if (kind !== 'folder') {
    throw new UserError(`${dir} ${kind === 'missing' ? 'does not exist' : 'is not a folder'}`, 'Give the folder of a context project (the one holding context/ or vmcontext.json).');
  }
  if (!(await isContextProject(nodeFileSystem, dir))) {
    throw new UserError(
      `${dir} is not a context project: it has neither vmcontext.json nor a context/ folder with post-install or common/`,
      `Run vmctx ${command} in the project folder, or create context/post-install.`,
    );
  }
  const { fs, read, releaseUnread, listed } = readOnce(nodeFileSystem, options.onRead, options.keepListings);
  return { dir, project: await loadProject(fs, dir, { keepDocuments: options.keepDocuments }), read, releaseUnread, listed };
}

/**
 * A file system that keeps what the loader read until the check asks for it, once: a fleet's
 * templates are read from disk once per command, not twice (the check then sees the very bytes
 * the project was described from). What the check does not read (`build --only iso` skips the
 * templates) is dropped by releaseUnread once the check is done, not kept until the command ends.
 * With `keepListings`, the folders listed too, each until `listed` takes it: the build's scan of
 * the context folder uses the loader's listing of it, made a moment before in the same run.
 */
export function readOnce(base: FileSystem, onRead?: () => void, keepListings = false): { fs: FileSystem; read: TextReader; releaseUnread(): void; listed: FolderListing } {
  const kept = new Map<string, Uint8Array>();
  // Names only: the loader's entry objects are not kept alive until the build.
  const listings = new Map<string, string[]>();
  const fs: FileSystem = {
    ...base,
    readFile: async (file) => {
      const bytes = await base.readFile(file);
      kept.set(file, bytes);
      onRead?.();
      return bytes;
    },
    ...(keepListings
      ? {
          readDirectory: async (folder: string) => {
            const entries = await base.readDirectory(folder);
            listings.set(folder, entries.map((e) => e.name));
            return entries;
          },
        }
      : {}),
  };
  const read: TextReader = async (file) => {
    const bytes = kept.get(file);
    kept.delete(file);
    return decodeText(bytes ?? (await base.readFile(file)));
  };
  const listed: FolderListing = (folder) => {
    const entries = listings.get(folder);
    listings.delete(folder);
    return entries;
  };
  return { fs, read, releaseUnread: () => kept.clear(), listed };
}

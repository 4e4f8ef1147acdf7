// The user's cache folder, in a module of its own: the launchers of the bundles (codeCache.ts)
// need it before anything heavy is loaded.
import { statSync } from 'node:fs';
import { makeFoldersSync } from './makeFolders';
import { homedir } from 'node:os';
import * as path from 'node:path';

/**
 * The user's cache folder for vm-context: `$XDG_CACHE_HOME/vm-context` (else `~/.cache/vm-context`),
 * `%LOCALAPPDATA%\vm-context` on Windows, `~/Library/Caches/vm-context` on macOS; undefined when
 * there is no home to put it in.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string | undefined {
  // VMCTX_CACHE_DIR (absolute) moves every cache of ours: the unit tests point it at a temporary folder.
  const own = env.VMCTX_CACHE_DIR;
  if (own && (platform === 'win32' ? path.win32 : path.posix).isAbsolute(own)) return own;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || (home ? path.win32.join(home, 'AppData', 'Local') : '');
    return local ? path.win32.join(local, 'vm-context') : undefined;
  }
  if (platform === 'darwin') return home ? path.posix.join(home, 'Library', 'Caches', 'vm-context') : undefined;
  // XDG: a relative XDG_CACHE_HOME is invalid and ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'vm-context');
  return home ? path.join(home, '.cache', 'vm-context') : undefined;
}

/**
 * What the user should know about the cache folder, once per run, else undefined: a VMCTX_CACHE_DIR
 * that is not absolute is ignored rather than resolved, as XDG_CACHE_HOME is (relative to the
 * current folder it would be another cache in each folder vmctx runs from, and the editor's current
 * folder is none the user chose); a cache folder that is a file (or lies under one) keeps no cache,
 * which every cache of ours otherwise passes over without a word. The adapters say it (the CLI on
 * stderr, the extension in its log).
 */
export function cacheDirNote(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string | undefined {
  const own = env.VMCTX_CACHE_DIR;
  const used = userCacheDir(env, platform, home);
  if (own && !(platform === 'win32' ? path.win32 : path.posix).isAbsolute(own)) {
    return `VMCTX_CACHE_DIR=${own} is ignored: it must be an absolute path (a relative one would be another folder wherever vmctx runs); ${used ? `the cache is in ${used}` : 'no cache is kept'}`;
  }
  const blocked = used && cannotHoldFiles(used);
  return blocked ? `the cache folder ${used} cannot be made: ${blocked}; no cache is kept (the schemas are compiled on every run): free that path, or set VMCTX_CACHE_DIR to the absolute path of a folder you can write` : undefined;
}

/**
 * Why `dir` cannot hold our files, else undefined: it, or a folder on its way, is something else,
 * or it is missing and cannot be created (made here, as the first cache write would; a folder
 * under /proc, a link to nothing, no permission). Other errors (EACCES on the way) are left to
 * the writes, which pass over them.
 */
function cannotHoldFiles(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'it is not a folder';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return 'a part of its path is not a folder';
    if (code !== 'ENOENT') return undefined;
  }
  try {
    makeFoldersSync(dir);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EEXIST' ? 'it, or a folder on its way, is a link to nothing'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `it cannot be created (${code === 'EROFS' ? 'read-only file system' : 'permission denied'})`
      : `the file system does not let it be created (${code ?? 'error'})`;
  }
}

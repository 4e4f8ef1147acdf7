// Path containment, the one test every "stays inside its folder" rule uses. Lexical: symlinks
// are the I/O adapters' business. `pathApi` lets tests run the Windows rules on any host.
import * as nodePath from 'node:path';

type PathApi = Pick<typeof nodePath, 'relative' | 'isAbsolute' | 'resolve' | 'sep'>;

/** `child` is `parent` itself or lies below it (`/p2` is not inside `/p`; `..x` names are). */
export function isInside(parent: string, child: string, pathApi: PathApi = nodePath): boolean {
  const rel = pathApi.relative(pathApi.resolve(parent), pathApi.resolve(child));
  if (rel === '') return true;
  if (pathApi.isAbsolute(rel)) return false; // another drive on Windows
  return rel !== '..' && !rel.startsWith('..' + pathApi.sep) && !(pathApi.sep === '\\' && rel.startsWith('../'));
}

/** `child` lies strictly below `parent`. */
export function isStrictlyInside(parent: string, child: string, pathApi: PathApi = nodePath): boolean {
  return isInside(parent, child, pathApi) && pathApi.relative(pathApi.resolve(parent), pathApi.resolve(child)) !== '';
}

/** A path for messages: relative to `base` when inside it, else as given. */
export function displayPath(base: string, file: string, pathApi: PathApi = nodePath): string {
  return isStrictlyInside(base, file, pathApi) ? pathApi.relative(pathApi.resolve(base), pathApi.resolve(file)) : file;
}

/**
 * `pathApi.resolve(base, p)` for many paths against one base: the base is resolved once, and a
 * plain relative path (segments that are names, not empty, `.` or `..`) is joined by
 * concatenation, the same string resolve gives. `vmctx rng` over thousands of files spent more
 * CPU in resolve (and in compiling its normalizer) than in reading them. Windows paths
 * (drive-relative `C:x`, two separators) always go through resolve.
 */
export function pathResolver(base: string, pathApi: Pick<PathApi, 'resolve' | 'sep'> = nodePath): (p: string) => string {
  const { folder, prefix } = folderPrefix(base, pathApi);
  if (pathApi.sep !== '/') return (p) => pathApi.resolve(folder, p);
  return (p) => (plainRelative(p) ? prefix + p : pathApi.resolve(folder, p));
}

/** Not empty, not absolute, and every `/`-separated segment a name (not empty, `.` or `..`). */
function plainRelative(p: string): boolean {
  const n = p.length;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && p.charCodeAt(i) !== 0x2f) continue;
    const len = i - start;
    if (len === 0 || (p.charCodeAt(start) === 0x2e && (len === 1 || (len === 2 && p.charCodeAt(start + 1) === 0x2e)))) return false;
    start = i + 1;
  }
  return true;
}

/**
 * The paths of the entries of folder `dir`: the folder is resolved once (absolute, normalized,
 * its trailing separator kept only for a root), then each name, as a folder listing gives it,
 * is checked to name one entry (not empty, `.` or `..`, no separator) and joined by
 * concatenation: path.join per entry normalizes the whole path again (most of a walk's garbage
 * over a context folder of thousands of files).
 */
export function entryJoiner(dir: string, pathApi: Pick<PathApi, 'resolve' | 'sep'> = nodePath): (name: string) => string {
  const { folder, prefix } = folderPrefix(dir, pathApi);
  // Windows takes '/' as a separator too.
  const otherSep = pathApi.sep === '\\' ? '/' : pathApi.sep;
  return (name) => {
    if (name === '' || name === '.' || name === '..' || name.includes(pathApi.sep) || name.includes(otherSep)) throw new Error(`${JSON.stringify(name)} is not the name of an entry of ${folder}`);
    return prefix + name;
  };
}

/** `dir` resolved, and what a name is appended to: the folder and one separator (a root has its own). */
function folderPrefix(dir: string, pathApi: Pick<PathApi, 'resolve' | 'sep'>): { folder: string; prefix: string } {
  const folder = pathApi.resolve(dir);
  return { folder, prefix: folder.endsWith(pathApi.sep) ? folder : folder + pathApi.sep };
}

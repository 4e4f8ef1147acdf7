// What the context folder holds beside files and folders, said the same way by the build's scan
// (src/core/io/contextScan.ts) and by `vmctx check` / the editor (the project loader): special
// files, links that leave the folder, links that lead nowhere. Pure: the callers stat.
import { posix, isAbsolute, relative, sep } from 'node:path';
import { isInside } from '../../common/paths';

/** What a file that is neither a file, a folder nor a link is, for messages. */
export function specialFileKind(st: { isFIFO(): boolean; isSocket(): boolean }): string {
  return st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'a device file';
}

/** iso-special-file's message (after the path). */
export function specialFileMessage(kind: string): string {
  return `is ${kind}; only files, folders and symbolic links go into the image; left out`;
}

/** iso-symlink-outside's message (after the path). */
export function outsideLinkMessage(target: string): string {
  return `is a symbolic link to "${target}", outside the context folder; left out of the image (copy the file in instead)`;
}

/** Why a link leads to nothing: its target does not exist, or the links go round. */
export type BrokenLink = 'missing' | 'loop';

/** What a broken link is, for messages: `a symbolic link to "x", which does not exist`. */
export function brokenLinkKind(target: string, why: BrokenLink): string {
  return `a symbolic link to "${target}", ${why === 'loop' ? 'which leads back to itself (a loop of links)' : 'which does not exist'}`;
}

/** iso-symlink-broken's message (after the path). */
export function brokenLinkMessage(target: string, why: BrokenLink): string {
  return `is ${brokenLinkKind(target, why)}: it goes into the image as a link, but the guest finds nothing behind it (fix or remove the link)`;
}

/**
 * The target to store for a symlink at `rel` (inside `root`), or undefined when it points
 * outside. Absolute targets inside the folder become relative, as the image has another root.
 */
export function linkInside(root: string, rel: string, target: string): string | undefined {
  const parent = posix.dirname(rel);
  const linkDir = parent === '.' ? '/' : `/${parent}`;
  if (isAbsolute(target)) {
    if (!isInside(root, target)) return undefined;
    return posix.relative(linkDir, '/' + relative(root, target).split(sep).join('/')) || '.';
  }
  // Walk the target from the link's own depth: any step above the root leaves the folder.
  let level = parent === '.' ? 0 : parent.split('/').length;
  for (const part of target.split('/')) {
    if (part === '..') level--;
    else if (part !== '.' && part !== '') level++;
    if (level < 0) return undefined;
  }
  return target;
}

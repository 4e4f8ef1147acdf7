// Finds context projects below a workspace folder: a folder with vmcontext.json, or with a
// context/ folder holding post-install or common/.
import * as path from 'node:path';
import type { FileSystem } from '../common/fileSystem';
import { MANIFEST_FILE } from './manifest';
import { DEFAULTS } from './project';
import { isInside } from '../common/paths';

const SKIP = new Set(['node_modules', 'build', 'dist', 'out']);

export async function isContextProject(fs: FileSystem, dir: string): Promise<boolean> {
  // Whatever holds the name (a link, or a folder the loader then reports) makes it a project.
  if ((await fs.stat(path.join(dir, MANIFEST_FILE))) !== undefined) return true;
  const ctx = path.join(dir, DEFAULTS.contextDir);
  const type = (await fs.stat(ctx))?.type;
  if (type !== 'directory' && type !== 'symlink') return false; // a link: to a folder, the lookups below say
  return (
    (await fs.stat(path.join(ctx, 'post-install'))) !== undefined ||
    (await fs.stat(path.join(ctx, 'common')))?.type === 'directory'
  );
}

/** Project folders at most `maxDepth` levels below `root` (the root included), sorted. */
export async function findContextProjects(fs: FileSystem, root: string, maxDepth = 3): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, depth: number) => {
    if (await isContextProject(fs, dir)) {
      found.push(dir);
      return; // projects do not nest
    }
    if (depth >= maxDepth) return;
    let entries;
    try {
      entries = await fs.readDirectory(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.type === 'directory' && !e.name.startsWith('.') && !SKIP.has(e.name)) await visit(path.join(dir, e.name), depth + 1);
    }
  };
  await visit(path.resolve(root), 0);
  return found.sort();
}

/** The project folder that contains `file`, among known project roots (deepest wins). */
export function projectOf(roots: string[], file: string): string | undefined {
  let best: string | undefined;
  for (const r of roots) {
    if (isInside(r, file) && (!best || r.length > best.length)) best = r;
  }
  return best;
}

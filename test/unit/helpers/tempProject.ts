// Test helpers: a throw-away copy of a folder tree, written from a { path: content } map.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, cpSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createDomainSchemas } from '../../../src/core/io/schemaFiles';

export const repoRoot = path.resolve(__dirname, '../../..');
export const exampleProject = path.join(repoRoot, 'examples/snooze-cluster');

export function tempDir(prefix = 'vmctx-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes files from a { relative path: content } map. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): string {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

export function copyExample(): string {
  const dir = tempDir();
  cpSync(exampleProject, dir, { recursive: true });
  chmodSync(path.join(dir, 'context/post-install'), 0o755);
  return dir;
}

export function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The domain schemas of the tests: the repository's schemas/domain-template.rng as bundled. */
export const testSchemas = createDomainSchemas(path.join(repoRoot, 'schemas', 'domain-template.rng'));

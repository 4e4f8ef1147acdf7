// `mkdir -p` for our caches and outputs, one level at a time. Node's recursive mkdir retries for
// good where a file system answers ENOENT for a child it will never create (procfs: a cache
// folder under /proc hung every vmctx command at full CPU, deaf to SIGTERM).
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

/** Creates `dir` and the folders missing on its way; throws the first mkdir's error (ENOENT, EACCES, EEXIST for a dangling link, …). */
export function makeFoldersSync(dir: string): void {
  const missing: string[] = [];
  // existsSync follows links: a dangling link counts as missing, and its mkdir fails with EEXIST.
  for (let at = path.resolve(dir); !existsSync(at); ) {
    missing.push(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

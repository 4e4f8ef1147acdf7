// Manifest glob patterns (`templates`) on '/'-separated paths relative to the project, through
// picomatch (Node's path.matchesGlob is not in every Node 20 the extension host runs).
// `dot: true`: a pattern's `*` also matches names starting with a dot, as it always did here.
import type Picomatch from 'picomatch';

export type GlobMatcher = (relPath: string) => boolean;

let picomatch: typeof Picomatch | undefined;

export function globMatcher(globs: string[]): GlobMatcher {
  // Required on first use, not with the bundle: picomatch's modules run at load (a few ms), and
  // `vmctx --version`, `vmctx rng` and the extension's activation match no globs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  picomatch ??= require('picomatch') as typeof Picomatch;
  return picomatch(globs, { dot: true });
}

// Manifest glob patterns (`templates`) on '/'-separated paths relative to the project, through
// picomatch (Node's path.matchesGlob is not in every Node 20 the extension host runs).
// `dot: true`: a pattern's `*` also matches names starting with a dot, as it always did here.
import picomatch from 'picomatch';

export type GlobMatcher = (relPath: string) => boolean;

export function globMatcher(globs: string[]): GlobMatcher {
  return picomatch(globs, { dot: true });
}

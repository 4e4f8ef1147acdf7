// Minimal glob matching for manifest patterns (`*`, `**`, `?`, `{a,b}`, `[...]`), on '/'-separated
// relative paths. Node's path.matchesGlob is not available on every Node 20 the extension host runs.

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches everything below.
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += '(?:' + glob.slice(i + 1, close).split(',').map(escape).join('|') + ')';
        i = close;
      }
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += '[' + body + ']';
        i = close;
      }
    } else re += escape(c);
  }
  return new RegExp('^' + re + '$');
}

function escape(s: string): string {
  return s.replace(/[.+^$()|\\/[\]{}*?]/g, '\\$&');
}

export function matchesAny(relPath: string, globs: RegExp[]): boolean {
  return globs.some((g) => g.test(relPath));
}

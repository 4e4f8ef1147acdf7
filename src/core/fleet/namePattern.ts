// VM names from a name or a pattern such as `web{n}` or `node{n:2}` (zero-padded to 2):
// numbers count up from 1 and skip names the project already uses.

const PLACEHOLDER = /\{n(?::(\d))?\}/;

/** Names libvirt, the overlay file name and a guest hostname all accept. */
export const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const VM_NAME_MAX = 63;

export function hasPlaceholder(pattern: string): boolean {
  return PLACEHOLDER.test(pattern);
}

/** The pattern with `{n}` replaced by `n` (padded when the pattern says so). */
export function nameFor(pattern: string, n: number): string {
  return pattern.replace(PLACEHOLDER, (_, width: string | undefined) => String(n).padStart(width ? Number(width) : 0, '0'));
}

/**
 * `count` names for the pattern, none of them in `taken` (compared case-insensitively, as
 * overlay files on case-insensitive disks would clash). A name without `{n}` is used as is.
 */
export function expandNames(pattern: string, count: number, taken: Iterable<string>): string[] {
  if (!hasPlaceholder(pattern)) return count >= 1 ? [pattern] : [];
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  const out: string[] = [];
  for (let n = 1; out.length < count && n < 100000; n++) {
    const name = nameFor(pattern, n);
    if (!used.has(name.toLowerCase())) out.push(name);
  }
  return out;
}

/** Why a name cannot be used, or undefined. */
export function checkVmName(name: string): string | undefined {
  if (name.length > VM_NAME_MAX) return `"${name}" is longer than ${VM_NAME_MAX} characters`;
  if (!VM_NAME.test(name)) return `"${name}" may hold only letters, digits, ".", "_" and "-", and must start with a letter or digit`;
  return undefined;
}

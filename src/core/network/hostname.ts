// Host and domain names as resolvers and hostnamectl accept them (RFC 1123): dot-separated
// labels of letters, digits and hyphens, at most 63 characters, not starting or ending with '-'.

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isValidHostname(name: string): boolean {
  if (!name || name.length > 253) return false;
  return name.replace(/\.$/, '').split('.').every((l) => LABEL.test(l));
}

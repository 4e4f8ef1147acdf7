// IPv4 arithmetic on unsigned 32-bit numbers, shared by the network, routes and domain checks.

/** Parses dotted-quad IPv4 (no leading zeros beyond "0", each part 0-255); undefined if invalid. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i];
    if (part.length > 1 && part.startsWith('0')) return undefined; // 010 is octal to some tools
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

/** "192.168.122.10/24" → address and prefix length; the prefix may be left out when `prefixOptional`. */
export function parseCidr(text: string, prefixOptional = false): { ip: number; prefix?: number } | undefined {
  const [addr, prefix, ...rest] = text.split('/');
  const ip = parseIPv4(addr);
  if (ip === undefined || rest.length) return undefined;
  if (prefix === undefined) return prefixOptional ? { ip } : undefined;
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return undefined;
  return { ip, prefix: Number(prefix) };
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Prefix length of a contiguous netmask, or undefined when the ones are not contiguous. */
export function netmaskPrefix(mask: number): number | undefined {
  const inverted = ~mask >>> 0;
  // Contiguous ones then zeros: the inverted mask plus one is a power of two.
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  let prefix = 0;
  for (let m = mask >>> 0; m & 0x80000000; m = (m << 1) >>> 0) prefix++;
  return prefix;
}

export function prefixToNetmask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(address: number, mask: number): number {
  return (address & mask) >>> 0;
}

export function broadcastOf(network: number, mask: number): number {
  return (network | ~mask) >>> 0;
}

export function inSubnet(address: number, network: number, mask: number): boolean {
  return ((address & mask) >>> 0) === ((network & mask) >>> 0);
}

/** The IPv4 address a MAC encodes in its last 4 bytes (00:16:c0:a8:7a:11 → 192.168.122.17). */
export function ipFromMac(mac: string): number | undefined {
  const parts = mac.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return parts.slice(2).reduce((n, p) => n * 256 + parseInt(p, 16), 0) >>> 0;
}

/** The MAC for an IPv4 address under a 2-byte prefix (default 00:16, as the Snooze templates used). */
export function macFromIp(ip: number, prefix = '00:16'): string {
  const hex = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'));
  return `${prefix}:${hex.join(':')}`;
}

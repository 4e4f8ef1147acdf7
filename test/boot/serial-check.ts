// What the guest must show on its serial console once the context has configured it. The
// expectations are the example's known truth for debian1 (MAC 00:16:c0:a8:7a:11 ->
// 192.168.122.17), written out here rather than derived from the files under test, so a
// broken MAC in a template or a broken line of common/network makes the boot proof fail.

export interface BootExpectation {
  /** Lines each section of the log must contain (after trimming), or patterns. */
  sections: Record<string, Array<string | RegExp>>;
  /** Lines anywhere in the log. */
  anywhere: Array<string | RegExp>;
}

export function expectedForDebian1(marker: string): BootExpectation {
  return {
    anywhere: [`vmctx-boot: base marker: ${marker}`, 'vmctx-boot: base image unpacked from /dev/vda', 'vmctx-boot: done'],
    sections: {
      'contextualization.log': [
        'contextualization: running post-install from /dev/sr0',
        'post-install: eth0 00:16:c0:a8:7a:11 -> 192.168.122.17/255.255.255.0 gateway 192.168.122.1',
        'contextualization: post-install succeeded',
      ],
      'ip -4 addr': [/^inet 192\.168\.122\.17\/24 brd 192\.168\.122\.255 scope global eth0$/],
      'ip route': [
        'default via 192.168.122.1 dev eth0',
        '10.0.0.0/8 via 192.168.122.1 dev eth0',
        '172.16.0.0/12 via 192.168.122.1 dev eth0',
        /^192\.168\.122\.0\/24 dev eth0 scope link +src 192\.168\.122\.17$/,
      ],
      'resolv.conf': ['domain cluster.example', 'search cluster.example example', 'nameserver 192.168.122.1', 'nameserver 9.9.9.9'],
      hostname: ['vm-192-168-122-17'],
      // Rock Ridge modes as the guest's kernel reads them from the ISO.
      'cdrom files': ['755 -rwxr-xr-x ./post-install', '644 -rw-r--r-- ./common/network', '644 -rw-r--r-- ./common/routes', '755 drwxr-xr-x ./common'],
    },
  };
}

/** The log split at `==== name` lines; serial consoles may add carriage returns. */
export function serialSections(log: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of log.split('\n')) {
    const line = raw.replace(/\r/g, '').trim();
    const m = /^==== (.+)$/.exec(line);
    if (m) out.set(m[1], (current = []));
    else current?.push(line);
  }
  return out;
}

const matches = (line: string, want: string | RegExp) => (typeof want === 'string' ? line === want : want.test(line));
const show = (want: string | RegExp) => (typeof want === 'string' ? JSON.stringify(want) : String(want));

/** Every expectation the log misses, as readable lines; empty when the boot proves the context. */
export function missingFromSerialLog(log: string, expected: BootExpectation): string[] {
  const lines = log.split('\n').map((l) => l.replace(/\r/g, '').trim());
  const sections = serialSections(log);
  const missing: string[] = [];
  for (const want of expected.anywhere) if (!lines.some((l) => matches(l, want))) missing.push(`the log has no line ${show(want)}`);
  for (const [name, wants] of Object.entries(expected.sections)) {
    const body = sections.get(name);
    if (!body) {
      missing.push(`the log has no section "${name}"`);
      continue;
    }
    for (const want of wants) if (!body.some((l) => matches(l, want))) missing.push(`section "${name}" has no line ${show(want)}`);
  }
  return missing;
}

/** Throws with what is missing and the whole serial log, so a CI failure shows the guest. */
export function assertSerialLog(log: string, expected: BootExpectation, label: string): void {
  const missing = missingFromSerialLog(log, expected);
  if (missing.length === 0) return;
  throw new Error(`${label}: the guest was not configured as the context says:\n  - ${missing.join('\n  - ')}\n----- serial log -----\n${log}\n----- end of serial log -----`);
}

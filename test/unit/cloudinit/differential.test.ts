// Differential test against cloud-init's own validator: Debian 12's cloud-init (22.4) unpacked
// with dpkg -x into a cache outside the repository, run by Debian's python3 with its
// jsonschema and yaml. 22.4 predates the vendored schemas (26.2), so a verdict is compared
// only where both schemas agree: 22.4's schema and the vendored one, each through cloud-init's
// validator. cloud-init 22.4 has no network-config schema (nor `schema -t network-config`):
// network-config is compared with the vendored schemas through the same validator.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { repoRoot } from '../helpers/tempProject';
import { userDataDiagnostics } from '../../../src/core/cloudinit/userData';
import { networkConfigDiagnostics } from '../../../src/core/cloudinit/networkConfig';
import type { Diagnostic } from '../../../src/core/common/diagnostic';

const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'vm-context-test', 'cloud-init');
const unpacked = path.join(cache, 'root');
const pythonPath = path.join(unpacked, 'usr/lib/python3/dist-packages');
const python = '/usr/bin/python3';
const oracle = path.join(__dirname, 'cloudinitOracle.py');
const schemaDir = path.join(repoRoot, 'schemas/cloud-init');
const DEBIAN_PACKAGES = 'python3-jsonschema python3-yaml python3-jinja2 python3-configobj python3-jsonpatch python3-requests';

function run(cmd: string, args: string[], cwd: string, input?: string) {
  const r = spawnSync(cmd, args, { cwd, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  return r;
}

before(() => {
  if (!existsSync(python)) throw new Error(`${python} is missing: apt-get install python3 ${DEBIAN_PACKAGES}`);
  if (!existsSync(path.join(pythonPath, 'cloudinit/config/schema.py'))) {
    mkdirSync(cache, { recursive: true });
    for (const f of readdirSync(cache)) if (f.endsWith('.deb')) continue;
    const dl = run('apt-get', ['download', 'cloud-init'], cache);
    const deb = readdirSync(cache).find((f) => /^cloud-init_.*\.deb$/.test(f));
    if (!deb) throw new Error(`apt-get download cloud-init failed (needs Debian 12's apt sources):\n${dl.stderr}`);
    const x = run('dpkg', ['-x', deb, unpacked], cache);
    if (x.status !== 0) throw new Error(`dpkg -x ${deb} failed: ${x.stderr}`);
  }
  const probe = run(python, ['-c', 'import jsonschema, yaml, jinja2, configobj, jsonpatch, requests'], cache);
  if (probe.status !== 0) throw new Error(`cloud-init's Python dependencies are missing (apt-get install ${DEBIAN_PACKAGES}):\n${probe.stderr}`);
});

interface Verdict {
  valid: boolean;
  keys: string[];
}
interface OracleResult {
  yaml: boolean;
  old?: Verdict;
  new?: Verdict;
}

function askCloudInit(cases: Array<{ text: string; schema: string; cloudConfig?: boolean }>): OracleResult[] {
  const r = spawnSync(python, [oracle], { input: JSON.stringify(cases), encoding: 'utf8', env: { ...process.env, PYTHONPATH: pythonPath }, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `cloud-init oracle failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Our verdict: schema errors only (YAML, header, netplan and cross-file rules are ours alone), by top-level key. */
function ourVerdict(text: string, ds: Diagnostic[]): { yaml: boolean; verdict: Verdict } {
  const lines = text.split('\n');
  const yaml = !ds.some((d) => d.code === 'cloudinit-yaml-syntax');
  const schema = ds.filter((d) => d.severity === 'error' && (d.code.startsWith('cloudinit-schema-') || d.code === 'cloudinit-network-version'));
  const keys = new Set<string>();
  for (const d of schema) {
    let key = '';
    for (let l = d.range.start.line; l >= 0; l--) {
      const m = /^([^\s#-][^:]*):/.exec(lines[l]);
      if (m) {
        key = m[1].replace(/^["']|["']$/g, '');
        break;
      }
    }
    keys.add(key);
  }
  return { yaml, verdict: { valid: schema.length === 0, keys: [...keys].sort() } };
}

/** A value of another type than `v`, for mutations. */
function otherType(v: unknown): unknown {
  if (Array.isArray(v)) return 'not-a-list';
  if (v && typeof v === 'object') return ['not', 'a', 'mapping'];
  if (typeof v === 'string') return { not: 'a string' };
  return { not: 'a scalar' };
}

/** The text and mutations of it: each top-level key's value of another type, each key misspelt. */
function mutations(header: string, text: string, under: string[] = []): string[] {
  const out = [text];
  const doc = parseDocument(text, { version: '1.1' });
  const data = doc.toJS() as Record<string, unknown> | null;
  const target = under.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], data) as Record<string, unknown> | undefined;
  if (!target || typeof target !== 'object' || Array.isArray(target)) return out;
  // Mutants are written afresh in block style (YAML 1.1 quoting, so PyYAML reads the same values).
  const write = (d: unknown) => header + stringify(d, { version: '1.1' });
  const at = (root: unknown, change: (o: Record<string, unknown>) => void) => {
    const copy = structuredClone(root) as Record<string, unknown>;
    change(under.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, copy));
    return copy;
  };
  for (const key of Object.keys(target)) {
    out.push(write(at(data, (o) => (o[key] = otherType(o[key])))));
    out.push(
      write(
        at(data, (o) => {
          o[`${key}x`] = o[key];
          delete o[key];
        }),
      ),
    );
  }
  return out;
}

test("cloud-config: the examples and their mutations get cloud-init's verdict wherever 22.4's and the vendored schema agree", (t) => {
  const dir = path.join(repoRoot, 'test/fixtures/cloud-init/examples');
  const texts = readdirSync(dir)
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .filter((text) => text.startsWith('#cloud-config'))
    .flatMap((text) => mutations('#cloud-config\n', text));
  const results = askCloudInit(texts.map((text) => ({ text, schema: path.join(schemaDir, 'schema-cloud-config-v1.json'), cloudConfig: true })));
  let compared = 0;
  let keysCompared = 0;
  let skipped = 0;
  const disagreements: string[] = [];
  texts.forEach((text, i) => {
    const theirs = results[i];
    const ours = ourVerdict(text, userDataDiagnostics(text));
    if (ours.yaml !== theirs.yaml) {
      disagreements.push(`YAML readable: ours ${ours.yaml}, PyYAML ${theirs.yaml}:\n${text}`);
      return;
    }
    if (!theirs.yaml) return;
    const { old: o, new: n } = theirs as Required<OracleResult>;
    if (o.valid !== n.valid) {
      skipped++;
      return;
    }
    compared++;
    if (ours.verdict.valid !== n.valid) {
      disagreements.push(`valid: ours ${ours.verdict.valid}, cloud-init ${n.valid} (keys ${n.keys}):\n${text}`);
      return;
    }
    if (!n.valid && JSON.stringify(o.keys) === JSON.stringify(n.keys)) {
      keysCompared++;
      if (JSON.stringify(ours.verdict.keys) !== JSON.stringify(n.keys)) disagreements.push(`keys in error: ours ${ours.verdict.keys}, cloud-init ${n.keys}:\n${text}`);
    }
  });
  t.diagnostic(`${texts.length} cases, ${compared} compared (${keysCompared} with the keys in error), ${skipped} where the schemas disagree`);
  assert.deepEqual(disagreements.slice(0, 5), []);
  // The comparison must be real: most cases are ones both schemas agree on, many invalid.
  assert.ok(compared >= texts.length / 2, `only ${compared} of ${texts.length} compared`);
  assert.ok(keysCompared >= 100, `only ${keysCompared} invalid cases compared`);
});

const NETWORK_EXAMPLES: Array<[string, string]> = [
  ['schema-network-config-v2.json', 'version: 2\nethernets:\n  eth0:\n    match:\n      macaddress: "52:54:00:12:34:56"\n    set-name: eth0\n    addresses: [192.168.122.10/24]\n    gateway4: 192.168.122.1\n    nameservers:\n      addresses: [192.168.122.1]\n      search: [example.internal]\n    routes:\n      - to: 10.0.0.0/8\n        via: 192.168.122.254\n        metric: 100\n'],
  ['schema-network-config-v2.json', 'version: 2\nethernets:\n  eth0: {dhcp4: true}\n  eth1: {dhcp4: no}\nbonds:\n  bond0:\n    interfaces: [eth0, eth1]\n    dhcp4: true\n    parameters:\n      mode: active-backup\n      mii-monitor-interval: "100"\nvlans:\n  vlan10:\n    id: 10\n    link: bond0\n    addresses: [10.10.0.2/24]\n'],
  ['schema-network-config-v2.json', 'version: 2\nethernets:\n  eno1: {dhcp4: false}\nbridges:\n  br0:\n    interfaces: [eno1]\n    dhcp4: true\n    parameters:\n      stp: false\n      forward-delay: 0\n'],
  ['schema-network-config-v1.json', 'version: 1\nconfig:\n  - type: physical\n    name: eth0\n    mac_address: "52:54:00:12:34:56"\n    mtu: 1500\n    subnets:\n      - type: static\n        address: 192.168.122.10/24\n        gateway: 192.168.122.1\n        dns_nameservers: [192.168.122.1]\n  - type: nameserver\n    address: [192.168.122.1]\n    search: [example.internal]\n  - type: route\n    destination: 10.0.0.0/8\n    gateway: 192.168.122.254\n'],
  ['schema-network-config-v1.json', 'version: 1\nconfig:\n  - type: physical\n    name: eth0\n    subnets:\n      - type: dhcp\n  - type: physical\n    name: eth1\n  - type: bond\n    name: bond0\n    bond_interfaces: [eth1]\n    params:\n      bond-mode: active-backup\n    subnets:\n      - type: static\n        address: 10.0.0.2/24\n'],
];

test('network-config: examples and mutations get the verdict of cloud-init\'s validator on the vendored schemas', (t) => {
  const cases: Array<{ text: string; schema: string }> = [];
  for (const [schema, text] of NETWORK_EXAMPLES) {
    const devices = Object.keys(parseDocument(text).toJS() as object).filter((k) => k !== 'version');
    const texts = new Set([...mutations('', text)]);
    // One level deeper too: each device's own keys (v2), each config entry's (v1).
    for (const section of devices) {
      const value = (parseDocument(text).toJS() as Record<string, unknown>)[section];
      if (Array.isArray(value)) value.forEach((_, i) => mutations('', text, [section, String(i)].map((s) => (/^\d+$/.test(s) ? Number(s) : s)) as string[]).forEach((m) => texts.add(m)));
      else if (value && typeof value === 'object') for (const dev of Object.keys(value)) mutations('', text, [section, dev]).forEach((m) => texts.add(m));
    }
    for (const m of texts) cases.push({ text: m, schema: path.join(schemaDir, schema) });
  }
  const results = askCloudInit(cases);
  let invalid = 0;
  const disagreements: string[] = [];
  cases.forEach(({ text }, i) => {
    const theirs = results[i];
    const ds = networkConfigDiagnostics(text);
    const ours = ourVerdict(text, ds);
    assert.equal(ours.yaml, theirs.yaml, text);
    if (!theirs.new) return;
    if (!theirs.new.valid) invalid++;
    if (ours.verdict.valid !== theirs.new.valid) disagreements.push(`valid: ours ${ours.verdict.valid} (${ds.map((d) => d.message).join('; ')}), cloud-init ${theirs.new.valid}:\n${text}`);
  });
  t.diagnostic(`${cases.length} cases, ${invalid} invalid for cloud-init`);
  assert.deepEqual(disagreements.slice(0, 5), []);
  assert.ok(invalid >= 20, `only ${invalid} invalid cases`);
});

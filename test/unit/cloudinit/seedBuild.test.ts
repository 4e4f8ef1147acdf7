// NoCloud seeds: what composeSeed puts in them (checked by our #18 checks and by Debian 12's
// cloud-init 22.4 parsing and rendering the network-config for ifupdown), and `vmctx build` on a
// copy of examples/nocloud-cluster: one seed per VM, read back by isoinfo, incremental,
// reproducible, and the same files through xorriso.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { copyExampleWithBase, vmctxInProcess as vmctx } from '../helpers/cli';
import { composeSeed, generateNetworkConfig } from '../../../src/core/cloudinit/seed';
import { networkConfigDiagnostics } from '../../../src/core/cloudinit/networkConfig';
import { metaDataDiagnostics } from '../../../src/core/cloudinit/metaData';
import { userDataDiagnostics } from '../../../src/core/cloudinit/userData';
import { parseIPv4 } from '../../../src/core/network/ipv4';
import { parseState } from '../../../src/core/build/buildState';
import { sampleHash } from '../../../src/core/io/fileIdentityCheck';
import type { NetworkSettings } from '../../../src/core/project/project';
import { removeDir, tempDir, tool } from '../image/helpers';

const net: NetworkSettings = {
  network: parseIPv4('192.168.122.0'), netmask: parseIPv4('255.255.255.0'), gateway: parseIPv4('192.168.122.1'),
  nameservers: [parseIPv4('192.168.122.1')!], search: ['example.internal'],
};
const MAC = '52:54:C0:A8:7A:14';

const errors = (ds: Array<{ severity: string; code: string; message: string }>) => ds.filter((d) => d.severity !== 'information').map((d) => `${d.code}: ${d.message}`);

describe('composeSeed', () => {
  it('generates a static network-config from the MAC that our checks accept and PyYAML reads with the MAC as a string', () => {
    const text = generateNetworkConfig(MAC, net, 'mac')!;
    assert.deepEqual(errors(networkConfigDiagnostics(text)), []);
    const data = parseDocument(text, { version: '1.1' }).toJS();
    const eth0 = data.ethernets.eth0;
    assert.equal(eth0.match.macaddress, '52:54:c0:a8:7a:14');
    assert.deepEqual(eth0.addresses, ['192.168.122.20/24']);
    assert.equal(eth0.gateway4, '192.168.122.1');
    assert.deepEqual(eth0.nameservers, { addresses: ['192.168.122.1'], search: ['example.internal'] });
  });

  it('quotes a MAC of digits only, which YAML 1.1 would read as a base-60 number', () => {
    const text = generateNetworkConfig('52:54:00:12:34:56', net, 'mac')!;
    assert.match(text, /macaddress: "52:54:00:12:34:56"/);
    assert.equal(parseDocument(text, { version: '1.1' }).toJS().ethernets.eth0.match.macaddress, '52:54:00:12:34:56');
  });

  it('uses DHCP with "addressing": "dhcp", and generates nothing without a MAC or a network', () => {
    const eth0 = parseDocument(generateNetworkConfig(MAC, net, 'dhcp')!).toJS().ethernets.eth0;
    assert.equal(eth0.dhcp4, true);
    assert.equal(eth0.addresses, undefined);
    assert.equal(generateNetworkConfig(undefined, net, 'mac'), undefined);
    assert.equal(generateNetworkConfig(MAC, undefined, 'mac'), undefined);
  });

  it('writes meta-data with local-hostname and an instance-id that changes with the seed, keeping the project\'s keys', () => {
    const a = composeSeed({ vm: 'web1', mac: MAC, userData: '#cloud-config\nruncmd: [[touch, /a]]\n', metaData: 'dsmode: local\n', network: net, addressing: 'mac' });
    const meta = a.files.find((f) => f.name === 'meta-data')!.text;
    assert.deepEqual(errors(metaDataDiagnostics(meta)), []);
    const m = parseDocument(meta, { version: '1.1' }).toJS();
    assert.equal(m['local-hostname'], 'web1');
    assert.equal(m.dsmode, 'local');
    assert.match(m['instance-id'], /^web1-[0-9a-f]{12}$/);
    assert.deepEqual(a.files.map((f) => f.name), ['meta-data', 'user-data', 'network-config']);
    const same = composeSeed({ vm: 'web1', mac: MAC, userData: '#cloud-config\nruncmd: [[touch, /a]]\n', metaData: 'dsmode: local\n', network: net, addressing: 'mac' });
    assert.equal(same.instanceId, a.instanceId);
    const changed = composeSeed({ vm: 'web1', mac: MAC, userData: '#cloud-config\nruncmd: [[touch, /b]]\n', metaData: 'dsmode: local\n', network: net, addressing: 'mac' });
    assert.notEqual(changed.instanceId, a.instanceId);
    const other = composeSeed({ vm: 'web2', mac: '52:54:c0:a8:7a:15', userData: '#cloud-config\nruncmd: [[touch, /a]]\n', network: net, addressing: 'mac' });
    assert.notEqual(other.instanceId, a.instanceId);
  });

  it('keeps an instance-id the meta-data gives, and an empty cloud-config when the project has no user-data', () => {
    const s = composeSeed({ vm: 'web1', metaData: 'instance-id: web1\nlocal-hostname: www\n', addressing: 'mac' });
    assert.equal(s.instanceId, 'web1');
    const m = parseDocument(s.files[0].text).toJS();
    assert.deepEqual(m, { 'instance-id': 'web1', 'local-hostname': 'www' });
    const ud = s.files.find((f) => f.name === 'user-data')!.text;
    assert.deepEqual(errors(userDataDiagnostics(ud)), []);
    assert.equal(s.files.some((f) => f.name === 'network-config'), false);
  });
});

// Debian 12's cloud-init, unpacked by differential.test.ts's before() (apt-get download + dpkg -x).
const cloudInitPath = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vm-context-test', 'cloud-init', 'root/usr/lib/python3/dist-packages');
const RENDER = `
import sys, yaml
from cloudinit.net import network_state, eni
ns = network_state.parse_net_config_data(yaml.safe_load(sys.stdin.read()))
print(eni.Renderer()._render_interfaces(ns))
`;

function ensureCloudInit(): void {
  if (existsSync(join(cloudInitPath, 'cloudinit/net/eni.py'))) return;
  const cache = join(cloudInitPath, '../../../../..');
  const dl = spawnSync('sh', ['-c', 'mkdir -p "$1" && cd "$1" && apt-get download cloud-init && dpkg -x cloud-init_*.deb root', 'sh', cache], { encoding: 'utf8' });
  assert.ok(existsSync(join(cloudInitPath, 'cloudinit/net/eni.py')), `cannot unpack Debian's cloud-init into ${cache} (apt-get download cloud-init; dpkg -x): ${dl.stderr}`);
}

describe('generated network-config through Debian 12\'s cloud-init 22.4', () => {
  it('is rendered for ifupdown with the static address, the gateway (no net-tools needed) and the nameserver', () => {
    ensureCloudInit();
    const r = spawnSync('/usr/bin/python3', ['-c', RENDER], { input: generateNetworkConfig(MAC, net, 'mac'), encoding: 'utf8', env: { ...process.env, PYTHONPATH: cloudInitPath } });
    assert.equal(r.status, 0, `cloud-init could not parse the generated network-config (apt-get install python3-yaml):\n${r.stderr}`);
    assert.match(r.stdout, /iface eth0 inet static\n\s+address 192\.168\.122\.20\/24/);
    assert.match(r.stdout, /\n\s+gateway 192\.168\.122\.1\n/);
    assert.match(r.stdout, /dns-nameservers 192\.168\.122\.1/);
    assert.doesNotMatch(r.stdout, /route add/);
  });
});

describe('vmctx build on a NoCloud project', () => {
  let dir: string;
  const copy = (name: string) => copyExampleWithBase('nocloud-cluster', join(dir, name));
  const seed = (project: string, vm: string) => join(project, 'build', 'seeds', `${vm}.iso`);
  const extract = (iso: string, file: string) => tool('isoinfo', ['-R', '-x', `/${file}`, '-i', iso]);
  before(() => {
    dir = tempDir('vmctx-seed-');
  });
  after(() => removeDir(dir));

  it('writes one CIDATA seed per VM (Joliet + Rock Ridge) and the overlays, then skips them when nothing changed', async () => {
    const project = copy('a');
    const first = await vmctx(['build', project], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(first.code, 0, first.err + first.out);
    assert.match(first.out, /wrote build\/seeds\/web1\.iso \(embedded/);
    assert.match(first.out, /wrote build\/seeds\/web2\.iso \(embedded/);
    assert.doesNotMatch(first.out + first.err, /build-no-context|context\.iso/);
    const info = tool('isoinfo', ['-d', '-i', seed(project, 'web1')]);
    assert.match(info, /Volume id: CIDATA/);
    assert.match(info, /Joliet/);
    assert.match(info, /Rock Ridge/);
    assert.deepEqual(tool('isoinfo', ['-R', '-f', '-i', seed(project, 'web1')]).trim().split('\n').sort(), ['/meta-data', '/network-config', '/user-data']);
    // web1: shared user-data, its meta-data, a generated network-config; web2: its own network-config.
    assert.equal(extract(seed(project, 'web1'), 'user-data'), readFileSync(join(project, 'cloud-init/user-data'), 'utf8'));
    assert.match(extract(seed(project, 'web1'), 'network-config'), /macaddress: "52:54:c0:a8:7a:14"[\s\S]*192\.168\.122\.20\/24/);
    assert.equal(extract(seed(project, 'web2'), 'network-config'), readFileSync(join(project, 'cloud-init/web2/network-config'), 'utf8'));
    assert.match(extract(seed(project, 'web2'), 'meta-data'), /instance-id: "?web2"?\nlocal-hostname: "?web2"?/);
    // Each seed's record holds its sample, which the writer hashed from the bytes it wrote: the seed's own.
    const record = parseState(readFileSync(join(project, 'build', '.vmcontext-build.json'), 'utf8'));
    for (const vm of ['web1', 'web2']) assert.equal(record.seeds?.[seed(project, vm)]?.sample, await sampleHash(seed(project, vm), statSync(seed(project, vm)).size), vm);

    const again = await vmctx(['build', project], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /skipped build\/seeds\/web1\.iso: up to date/);
    assert.match(again.out, /skipped build\/seeds\/web2\.iso: up to date/);

    // A change of the shared user-data rebuilds both seeds; of web2's network-config, web2's only.
    writeFileSync(join(project, 'cloud-init/user-data'), readFileSync(join(project, 'cloud-init/user-data'), 'utf8') + '# changed\n');
    const third = await vmctx(['build', project], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.match(third.out, /wrote build\/seeds\/web1\.iso/);
    assert.match(third.out, /wrote build\/seeds\/web2\.iso/);
    writeFileSync(join(project, 'cloud-init/web2/network-config'), readFileSync(join(project, 'cloud-init/web2/network-config'), 'utf8') + '# changed\n');
    const fourth = await vmctx(['build', project], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.match(fourth.out, /skipped build\/seeds\/web1\.iso/);
    assert.match(fourth.out, /wrote build\/seeds\/web2\.iso/);
  });

  it('is reproducible: two copies built with one SOURCE_DATE_EPOCH give the same bytes', async () => {
    const [b, c] = [copy('b'), copy('c')];
    for (const p of [b, c]) assert.equal((await vmctx(['build', p, '--only', 'iso'], dir, { SOURCE_DATE_EPOCH: '1700000000' })).code, 0);
    for (const vm of ['web1', 'web2']) assert.ok(readFileSync(seed(b, vm)).equals(readFileSync(seed(c, vm))), `${vm}.iso differs between two builds`);
  });

  it('honours output.seeds and builds the same files with xorriso', async () => {
    const project = copy('d');
    const manifest = JSON.parse(readFileSync(join(project, 'vmcontext.json'), 'utf8'));
    manifest.output = { seeds: 'out/nocloud' };
    writeFileSync(join(project, 'vmcontext.json'), JSON.stringify(manifest));
    const r = await vmctx(['build', project, '--only', 'iso', '--iso-backend', 'xorriso'], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(r.code, 0, r.err + r.out);
    const iso = join(project, 'out', 'nocloud', 'web1.iso');
    assert.match(tool('isoinfo', ['-d', '-i', iso]), /Volume id: CIDATA/);
    assert.match(extract(iso, 'meta-data'), /local-hostname: "?web1"?/);
    assert.match(extract(iso, 'network-config'), /192\.168\.122\.20\/24/);
  });
});

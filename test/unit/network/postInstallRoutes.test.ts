// The example's post-install on a guest without net-tools (minimal Debian 12: no route(8)):
// common/routes' route add/del lines are written to /etc/network/interfaces as ip(8) commands;
// with route(8) present they stay as written. Run with VMCONTEXT_ROOT (nothing live touched),
// under Debian's mawk and under busybox's awk.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleProject, remove, tempDir } from '../helpers/tempProject';

const TOOLS = ['sh', 'cat', 'grep', 'sed', 'tr', 'mkdir', 'dirname'];
const ROUTES = `# test routes
up route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1 dev eth0
up route add -host 10.1.2.3 gw 192.168.122.254
post-up route add -net 192.168.200.0/24 gw 192.168.122.1 metric 5
down route del -net 10.0.0.0 netmask 255.0.0.0 gw 192.168.122.1 dev eth0
up route add default gw 192.168.122.2 dev eth0
up ip route add 172.16.0.0/12 via 192.168.122.1 dev eth0
up route add -net 10.9.0.0 netmask 255.255.0.0 reject
`;

function which(cmd: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} is missing`);
  return r.stdout.trim();
}

describe('post-install routes on guests with and without route(8)', () => {
  let dir: string;
  before(() => {
    dir = tempDir('vmctx-routes-');
    cpSync(join(exampleProject, 'context'), join(dir, 'context'), { recursive: true });
    writeFileSync(join(dir, 'context/common/routes'), ROUTES);
  });
  after(() => remove(dir));

  /** Runs post-install with only the given tools on PATH; returns the interfaces file it wrote. */
  function run(name: string, awk: string[], withRoute: boolean): string {
    const bin = join(dir, `bin-${name}`);
    mkdirSync(bin);
    for (const t of TOOLS) symlinkSync(which(t), join(bin, t));
    const [awkPath, ...awkArgs] = awk;
    if (awkArgs.length) {
      writeFileSync(join(bin, 'awk'), `#!${which('sh')}\nexec ${awkPath} ${awkArgs.join(' ')} "$@"\n`);
      chmodSync(join(bin, 'awk'), 0o755);
    } else symlinkSync(awkPath, join(bin, 'awk'));
    if (withRoute) {
      writeFileSync(join(bin, 'route'), `#!${which('sh')}\nexit 0\n`);
      chmodSync(join(bin, 'route'), 0o755);
    }
    const root = join(dir, `root-${name}`);
    mkdirSync(root);
    const r = spawnSync(join(bin, 'sh'), [join(dir, 'context/post-install')], {
      encoding: 'utf8', env: { PATH: bin, VMCONTEXT_ROOT: root, IFACE: 'lo' },
    });
    assert.equal(r.status, 0, `post-install failed:\n${r.stdout}${r.stderr}`);
    return readFileSync(join(root, 'etc/network/interfaces'), 'utf8');
  }

  const translated = [
    '    up ip route add 10.0.0.0/8 via 192.168.122.1 dev lo',
    '    up ip route add 10.1.2.3/32 via 192.168.122.254',
    '    post-up ip route add 192.168.200.0/24 via 192.168.122.1 metric 5',
    '    down ip route del 10.0.0.0/8 via 192.168.122.1 dev lo',
    '    up ip route add default via 192.168.122.2 dev lo',
    '    up ip route add 172.16.0.0/12 via 192.168.122.1 dev lo',
    // reject has no ip route form here: kept as written, so the guest reports it.
    '    up route add -net 10.9.0.0 netmask 255.255.0.0 reject',
  ];

  it('translates route(8) lines to ip(8) when route is absent (mawk)', () => {
    const lines = run('mawk', [which('awk')], false).split('\n').filter((l) => /route/.test(l));
    assert.deepEqual(lines, translated);
  });

  it('translates the same under busybox awk (older and smaller guests)', () => {
    const busybox = ['/bin/busybox', '/usr/bin/busybox'].find(existsSync);
    assert.ok(busybox, 'busybox is missing: apt-get install busybox-static');
    const lines = run('busybox', [busybox, 'awk'], false).split('\n').filter((l) => /route/.test(l));
    assert.deepEqual(lines, translated);
  });

  it('keeps the lines as written when the guest has route(8)', () => {
    const lines = run('nettools', [which('awk')], true).split('\n').filter((l) => /route/.test(l));
    const expected = ROUTES.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => `    ${l.replace(/\beth0\b/g, 'lo')}`);
    assert.deepEqual(lines, expected);
  });
});

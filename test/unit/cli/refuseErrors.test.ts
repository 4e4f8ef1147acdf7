// Issue #12, the CLI half: nothing broken passes silently. Each test runs the bundled
// dist/cli.js on a copy of the example with one thing broken, as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { copyExample, remove, repoRoot } from '../helpers/tempProject';
import { requireDistCli, vmctxProcess } from '../helpers/cli';

const vmctx = (...args: string[]) => vmctxProcess(args, { SOURCE_DATE_EPOCH: '1700000000' });

/** A copy of the example, changed by `change`, removed after `body`. */
function withExample(change: (dir: string) => void, body: (dir: string) => void): void {
  const dir = copyExample();
  try {
    change(dir);
    body(dir);
  } finally {
    remove(dir);
  }
}

const file = (dir: string, rel: string) => path.join(dir, rel);
const edit = (dir: string, rel: string, f: (text: string) => string) => writeFileSync(file(dir, rel), f(readFileSync(file(dir, rel), 'utf8')));
/** The case: NETWORK written with spaces (the guest's shell runs `NETWORK` as a command) and moved: 7 errors. */
const brokenNetwork = (dir: string) => edit(dir, 'context/common/network', (t) => t.replace('NETWORK=192.168.122.0', 'NETWORK = 10.1.0.0'));
/** One error only: the spaces. */
const spacedNetwork = (dir: string) => edit(dir, 'context/common/network', (t) => t.replace('NETWORK=192.168.122.0', 'NETWORK = 192.168.122.0'));

requireDistCli();

test('vmctx --version prints the version of package.json', () => {
  const r = vmctx('--version');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `${JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}\n`);
});

test('vmctx check ends with a one-line summary: files checked, problems by severity, singular when one', () => {
  withExample(
    () => undefined,
    (dir) => {
      const clean = vmctx('check', dir);
      assert.equal(clean.code, 0);
      // vmcontext.json, 3 templates, post-install, common/network, common/routes
      assert.equal(clean.stdout, 'checked 7 files: no problems\n');
      spacedNetwork(dir);
      const one = vmctx('check', dir);
      assert.equal(one.code, 1);
      assert.match(one.stdout, /\nchecked 7 files: 1 error\n$/);
      edit(dir, 'context/common/network', (t) => t.replace('NETWORK = 192.168.122.0', 'NETWORK = 10.1.0.0'));
      assert.match(vmctx('check', dir).stdout, /\nchecked 7 files: 7 errors, 2 warnings\n$/);
    },
  );
});

test('vmctx build refuses a project with errors: exit 1, the errors listed, nothing written', () => {
  withExample(brokenNetwork, (dir) => {
    const r = vmctx('build', dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^context\/common\/network:3:8: error network-syntax: /m);
    assert.match(r.stderr, /^templates\/debian1\.xml:37:21: error domain-mac-ip-outside-network: /m);
    assert.match(r.stderr, /vmctx build: refused to build .*: it has 7 errors \(fix them, or use --allow-errors to build anyway\); 2 warnings/);
    assert.equal(existsSync(file(dir, 'build/context.iso')), false);
  });
});

test('vmctx build --only iso checks what the ISO is made of: the context folder refuses it, the templates do not', () => {
  withExample(brokenNetwork, (dir) => {
    const r = vmctx('build', dir, '--only', 'iso');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^context\/common\/network:3:8: error network-syntax: /m);
    assert.doesNotMatch(r.stderr, /templates\//);
    assert.match(r.stderr, /vmctx build: refused to build .* \(the inputs of the ISO\): it has 4 errors \(fix them, or use --allow-errors to build anyway\); 2 warnings/);
    assert.equal(existsSync(file(dir, 'build/context.iso')), false);
  });
  withExample(
    (dir) => edit(dir, 'templates/debian1.xml', (t) => t.replace('<name>debian1</name>', '<name>a/b</name>')),
    (dir) => {
      const r = vmctx('build', dir, '--only', 'iso');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /vmctx build: checked .* \(the inputs of the ISO\): no errors\n/);
      assert.ok(existsSync(file(dir, 'build/context.iso')));
      const whole = vmctx('build', dir);
      assert.equal(whole.code, 1);
      assert.match(whole.stderr, /^templates\/debian1\.xml:5:9: error domain-name-invalid: /m);
    },
  );
});

test('vmctx build --allow-errors builds anyway and says so', () => {
  withExample(spacedNetwork, (dir) => {
    const r = vmctx('build', dir, '--only', 'iso', '--allow-errors');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /vmctx build: building .* despite 1 error, as --allow-errors asks/);
    assert.ok(existsSync(file(dir, 'build/context.iso')));
  });
});

test('warnings do not stop a build; their count is printed', () => {
  withExample(
    (dir) => edit(dir, 'context/common/network', (t) => t + 'NETMSK=255.255.255.0\n'),
    (dir) => {
      const r = vmctx('build', dir, '--only', 'iso');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /vmctx build: checked .*: 1 warning\n/);
      assert.ok(existsSync(file(dir, 'build/context.iso')));
    },
  );
});

test('manifest errors block the build instead of falling back to defaults', () => {
  withExample(
    (dir) => edit(dir, 'vmcontext.json', (t) => t.replace('"isoLabel": "CONTEXT"', '"isoLabel": "no spaces allowed"')),
    (dir) => {
      const r = vmctx('build', dir, '--only', 'iso');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^vmcontext\.json:\d+:\d+: error manifest-invalid: "isoLabel" must be/m);
      assert.equal(existsSync(file(dir, 'build/context.iso')), false);
    },
  );
});

test('vmctx deploy, --dry-run included, refuses a project with errors before asking any host', () => {
  withExample(spacedNetwork, (dir) => {
    for (const args of [['--dry-run'], []]) {
      const r = vmctx('deploy', dir, '--connect', 'qemu:///nowhere', '--virsh', '/nonexistent/virsh', ...args);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /vmctx deploy: refused to deploy .*: it has 1 error \(fix them, or use --allow-errors to deploy anyway\)/);
      assert.doesNotMatch(r.stdout + r.stderr, /nonexistent|plan/);
    }
  });
});

test('a typo in a manifest key gets "did you mean"', () => {
  withExample(
    (dir) => edit(dir, 'vmcontext.json', (t) => t.replace('"contextDir"', '"contextdir"')),
    (dir) => {
      const r = vmctx('check', dir);
      assert.match(r.stdout, /vmcontext\.json:3:3: warning manifest-invalid: unknown property "contextdir" — did you mean "contextDir"\?/);
    },
  );
});

test('CRLF line endings in a guest file: an error at the first such line', () => {
  withExample(
    (dir) => {
      edit(dir, 'context/common/network', (t) => t.replace(/\n/g, '\r\n'));
      edit(dir, 'context/post-install', (t) => t.split('\n').map((l, i) => (i >= 4 ? l + '\r' : l)).join('\n'));
    },
    (dir) => {
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^context\/common\/network:1:\d+: error guest-crlf: line 1 ends in CRLF/m);
      assert.match(r.stdout, /^context\/post-install:5:\d+: error guest-crlf: line 5 ends in CRLF/m);
    },
  );
});

test('a UTF-8 byte-order mark in a guest file: an error on its first line', () => {
  withExample(
    (dir) => {
      for (const rel of ['context/common/routes', 'context/post-install']) writeFileSync(file(dir, rel), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(file(dir, rel))]));
    },
    (dir) => {
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^context\/common\/routes:1:1: error guest-bom: /m);
      assert.match(r.stdout, /^context\/post-install:1:1: error guest-bom: .*its #! line does not work/m);
    },
  );
});

test('post-install without #! or without the execute bit: an error when the guest runs it directly, nothing when it runs sh', () => {
  withExample(
    (dir) => {
      edit(dir, 'context/post-install', (t) => t.replace(/^#!.*\n/, ''));
      chmodSync(file(dir, 'context/post-install'), 0o644);
    },
    (dir) => {
      // The example's guest script runs `sh "$MNT/post-install"`: neither matters.
      assert.equal(vmctx('check', dir).code, 0);
      edit(dir, 'base-image/contextualization', (t) => t.replace('if sh "$MNT/post-install"; then', 'if "$MNT/post-install"; then'));
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^context\/post-install:1:1: error guest-no-shebang: post-install has no #! line, and the guest runs it directly \(base-image\/contextualization line \d+\)/m);
      assert.match(r.stdout, /^context\/post-install:1:1: error guest-not-executable: .*chmod \+x context\/post-install/m);
    },
  );
});

test('invalid UTF-8 in a template: an error at the byte, and no build', () => {
  withExample(
    (dir) => {
      const t = readFileSync(file(dir, 'templates/debian2.xml'));
      const at = t.indexOf('debian2</name>') + 'debian'.length;
      writeFileSync(file(dir, 'templates/debian2.xml'), Buffer.concat([t.subarray(0, at), Buffer.from([0xff]), t.subarray(at)]));
    },
    (dir) => {
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^templates\/debian2\.xml:5:15: error xml-not-utf8: not UTF-8 at byte \d+ \(ff 32 3c 2f\): virsh define refuses/m);
      assert.match(vmctx('build', dir, '--only', 'overlays').stderr, /refused to build .*: it has 1 error/);
    },
  );
});

test('a 6 KB licence comment before <domain> does not drop the template from check or build', () => {
  withExample(
    (dir) => {
      edit(dir, 'templates/debian3.xml', (t) => t.replace('<domain', `<!--\n${'  Licensed under the terms of a very long licence text.\n'.repeat(120)}-->\n<domain`));
      // A mistake inside it must be seen.
      edit(dir, 'templates/debian3.xml', (t) => t.replace('<name>debian3</name>', '<name>debian1</name>'));
    },
    (dir) => {
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^templates\/debian3\.xml:\d+:\d+: error domain-name-duplicate: /m);
    },
  );
  withExample(
    (dir) => {
      edit(dir, 'templates/debian3.xml', (t) => t.replace('<domain', `<!--\n${'  Licensed under the terms of a very long licence text.\n'.repeat(120)}-->\n<domain`));
      writeFileSync(file(dir, 'images/debian-base.raw'), '');
      truncateSync(file(dir, 'images/debian-base.raw'), 1 << 20);
    },
    (dir) => {
      const r = vmctx('build', dir, '--only', 'overlays');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readdirSync(file(dir, 'build/overlays')).sort(), ['debian1.qcow2', 'debian2.qcow2', 'debian3.qcow2']);
    },
  );
});

test('a template over 2 MB is an error saying it is not built, and the build refuses', () => {
  withExample(
    (dir) => edit(dir, 'templates/debian3.xml', (t) => t.replace('</domain>', `<!-- ${'x'.repeat(2.5 * 1024 * 1024)} -->\n</domain>`)),
    (dir) => {
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^templates\/debian3\.xml:1:1: error xml-too-large: not checked, built or deployed: the file is 2\.5 MB \(limit 2 MB\)/m);
      assert.match(vmctx('build', dir, '--only', 'overlays').stderr, /refused to build .*: it has 1 error/);
    },
  );
});

test('a file the manifest\'s "templates" globs name but that is no <domain> is an error, not skipped', () => {
  withExample(
    (dir) => {
      writeFileSync(file(dir, 'templates/net.xml'), '<network><name>default</name></network>\n');
      writeFileSync(file(dir, 'templates/empty.xml'), '');
    },
    (dir) => {
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^templates\/net\.xml:1:1: error template-not-domain: not checked, built or deployed: its root element is <network>, not <domain>/m);
      assert.match(r.stdout, /^templates\/empty\.xml:1:1: error template-not-domain: .*it holds no XML element/m);
    },
  );
});

test("libvirt's rules for a domain name: '/' and surrounding spaces are errors", () => {
  withExample(
    (dir) => {
      edit(dir, 'templates/debian1.xml', (t) => t.replace('<name>debian1</name>', '<name>../../../x</name>'));
      edit(dir, 'templates/debian2.xml', (t) => t.replace('<name>debian2</name>', '<name>debian2 </name>'));
      edit(dir, 'templates/debian3.xml', (t) => t.replace('<name>debian3</name>', '<name>-debian3</name>'));
    },
    (dir) => {
      const r = vmctx('check', dir);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^templates\/debian1\.xml:5:9: error domain-name-invalid: the name "\.\.\/\.\.\/\.\.\/x" contains '\/': libvirt refuses it/m);
      assert.match(r.stdout, /^templates\/debian2\.xml:5:9: error domain-name-invalid: the name "debian2 " has trailing white space/m);
      assert.match(r.stdout, /^templates\/debian3\.xml:5:9: warning domain-name-risky: /m);
      // Even when told to go ahead, no overlay lands outside build/overlays.
      writeFileSync(file(dir, 'images/debian-base.raw'), '');
      truncateSync(file(dir, 'images/debian-base.raw'), 1 << 20);
      assert.equal(vmctx('build', dir, '--only', 'overlays', '--allow-errors').code, 0);
      assert.equal(existsSync(path.resolve(dir, 'build/overlays/../../../x.qcow2')), false);
    },
  );
});

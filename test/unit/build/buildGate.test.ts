// The check before a build looks at what that build reads: `--only iso` of a Snooze project
// checks the context folder and the manifest, not the templates (and compiles no domain
// schema); `--only overlays` checks the templates, not the context folder. A broken input of
// the output being built still refuses it, and --allow-errors still overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkBeforeBuild, type BuildScope, type GatedAction } from '../../../src/core/validation/checkBeforeBuild';
import { DomainSchemas } from '../../../src/core/validation/domain/domainSchema';
import { loadProject } from '../../../src/core/project/load';
import { nodeFileSystem, nodeSyncFileReader } from '../../../src/core/io/nodeFileSystem';
import { decodeText } from '../../../src/core/common/fileSystem';
import { defaultSettings } from '../../../src/core/settings';
import { copyExample, remove, repoRoot, tempDir } from '../helpers/tempProject';

const edit = (dir: string, rel: string, f: (text: string) => string) => writeFileSync(path.join(dir, rel), f(readFileSync(path.join(dir, rel), 'utf8')));
/** A name libvirt refuses, and an element its schema does not know. */
const breakTemplate = (dir: string) => edit(dir, 'templates/debian1.xml', (t) => t.replace('<name>debian1</name>', '<name>a/b</name>').replace('</devices>', '<bogus/></devices>'));
/** `NETWORK = …`: the guest's shell runs NETWORK as a command. */
const breakNetwork = (dir: string) => edit(dir, 'context/common/network', (t) => t.replace('NETWORK=192.168.122.0', 'NETWORK = 192.168.122.0'));

/** Runs the gate with fresh schemas whose files are counted, and records every file it read. */
async function gate(dir: string, scope: BuildScope, options: { action?: GatedAction; allowErrors?: boolean } = {}) {
  const schemaReads: string[] = [];
  const schemas = new DomainSchemas({ readText: (f) => (schemaReads.push(f), nodeSyncFileReader.readText(f)), mtimeMs: (f) => nodeSyncFileReader.mtimeMs(f) }, path.join(repoRoot, 'schemas', 'domain-template.rng'));
  const read: string[] = [];
  const project = await loadProject(nodeFileSystem, dir);
  const pre = await checkBeforeBuild(project, async (f) => (read.push(path.relative(dir, f)), decodeText(await nodeFileSystem.readFile(f))), defaultSettings, schemas, {
    action: options.action ?? 'build',
    allowErrors: options.allowErrors,
    override: '--allow-errors',
    scope,
  });
  const codes = pre.results.flatMap((r) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${path.relative(dir, r.file)} ${d.code}`));
  return { pre, codes, read: read.sort(), schemaReads };
}

test('a broken template does not stop --only iso, which reads no template and compiles no schema', async () => {
  const dir = copyExample();
  try {
    breakTemplate(dir);
    const iso = await gate(dir, 'iso');
    assert.equal(iso.pre.proceed, true, iso.pre.headline);
    assert.deepEqual(iso.codes, []);
    assert.deepEqual(iso.read, ['context/common/network', 'context/common/routes', 'context/post-install']);
    assert.deepEqual(iso.schemaReads, []);
    assert.equal(iso.pre.complete, false);
    assert.equal(iso.pre.headline, `checked ${path.basename(dir)} (the inputs of the ISO): no errors`);
    // vmcontext.json and the three context files
    assert.equal(iso.pre.summary.files, 4);

    // Every build that uses the template refuses it, and so does deploy (scope or not).
    for (const [scope, action] of [['all', 'build'], ['overlays', 'build'], ['iso', 'deploy']] as const) {
      const g = await gate(dir, scope, { action });
      assert.equal(g.pre.proceed, false, `${action} ${scope}`);
      assert.ok(g.codes.includes('templates/debian1.xml domain-name-invalid'), `${action} ${scope}: ${g.codes.join(', ')}`);
      assert.ok(g.codes.includes('templates/debian1.xml libvirt-schema'), `${action} ${scope}: ${g.codes.join(', ')}`);
      assert.ok(g.schemaReads.length > 0);
    }
  } finally {
    remove(dir);
  }
});

test('a broken common/network stops --only iso (and a whole build), not --only overlays; --allow-errors goes ahead', async () => {
  const dir = copyExample();
  try {
    breakNetwork(dir);
    for (const scope of ['iso', 'all'] as const) {
      const g = await gate(dir, scope);
      assert.equal(g.pre.proceed, false, scope);
      assert.deepEqual(g.codes, ['context/common/network network-syntax'], scope);
      assert.match(g.pre.errorLines.join('\n'), /^context\/common\/network:3:8: error network-syntax: /m);
    }
    assert.match((await gate(dir, 'iso')).pre.headline, /^refused to build .* \(the inputs of the ISO\): it has 1 error \(fix them, or use --allow-errors to build anyway\)/);
    const allowed = await gate(dir, 'iso', { allowErrors: true });
    assert.equal(allowed.pre.proceed, true);
    assert.match(allowed.pre.headline, /despite 1 error, as --allow-errors asks/);

    const overlays = await gate(dir, 'overlays');
    assert.equal(overlays.pre.proceed, true, overlays.pre.headline);
    assert.deepEqual(overlays.read, ['templates/debian1.xml', 'templates/debian2.xml', 'templates/debian3.xml']);
    assert.equal(overlays.pre.headline, `checked ${path.basename(dir)} (the inputs of the overlays): no errors`);
  } finally {
    remove(dir);
  }
});

test('a whole build checks everything and says so (complete results, for the Problems panel)', async () => {
  const dir = copyExample();
  try {
    const g = await gate(dir, 'all');
    assert.equal(g.pre.complete, true);
    assert.equal(g.pre.proceed, true);
    assert.equal(g.pre.summary.files, 7);
    assert.equal(g.pre.headline, `checked ${path.basename(dir)}: no errors`);
  } finally {
    remove(dir);
  }
});

test('NoCloud seeds read the templates (names, MACs): a broken template stops --only iso there', async () => {
  const dir = tempDir();
  try {
    cpSync(path.join(repoRoot, 'examples/nocloud-cluster'), dir, { recursive: true });
    const clean = await gate(dir, 'iso');
    assert.equal(clean.pre.proceed, true, clean.pre.headline + clean.codes.join(', '));
    assert.equal(clean.pre.complete, true);
    edit(dir, 'templates/web1.xml', (t) => t.replace('<name>web1</name>', '<name>a/b</name>'));
    const g = await gate(dir, 'iso');
    assert.equal(g.pre.proceed, false);
    assert.ok(g.codes.includes('templates/web1.xml domain-name-invalid'), g.codes.join(', '));
  } finally {
    remove(dir);
  }
});

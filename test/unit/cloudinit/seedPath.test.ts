// A NoCloud VM's CD-ROM must be its own seed on the hosts (REMOTE/<vm>-seed.iso): a warning
// with a quick fix when it is the Snooze context.iso or another VM's seed; the example is clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from '../../../src/core/common/fileSystem';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { defaultSettings } from '../../../src/core/settings';
import { checkProject } from '../../../src/core/validation/checkProject';
import { domainLinks } from '../../../src/core/domain/domainLinks';
import { remove, repoRoot, tempDir, testSchemas } from '../helpers/tempProject';

async function seedDiagnostics(dir: string) {
  const project = await loadProject(nodeFileSystem, dir);
  const results = await checkProject(project, async (f) => decodeText(await nodeFileSystem.readFile(f)), defaultSettings, testSchemas);
  return results.flatMap((r) => r.diagnostics.filter((d) => d.code === 'domain-seed-path').map((d) => ({ file: path.relative(dir, r.file), ...d })));
}

test('a NoCloud template\'s CD-ROM must be its own seed: context.iso and another VM\'s seed are flagged with a fix', async () => {
  const dir = tempDir();
  try {
    cpSync(path.join(repoRoot, 'examples/nocloud-cluster'), dir, { recursive: true });
    assert.deepEqual(await seedDiagnostics(dir), []);
    const web1 = path.join(dir, 'templates/web1.xml');
    const web2 = path.join(dir, 'templates/web2.xml');
    writeFileSync(web1, readFileSync(web1, 'utf8').replace('/opt/cloud/web1-seed.iso', '/opt/cloud/context.iso'));
    writeFileSync(web2, readFileSync(web2, 'utf8').replace('/opt/cloud/web2-seed.iso', '/opt/cloud/web1-seed.iso'));
    const ds = await seedDiagnostics(dir);
    assert.equal(ds.length, 2);
    const [a, b] = ds.sort((x, y) => x.file.localeCompare(y.file));
    assert.equal(a.file, 'templates/web1.xml');
    assert.equal(a.severity, 'warning');
    assert.match(a.message, /\/opt\/cloud\/context\.iso, the Snooze context ISO/);
    assert.equal(a.fixes?.[0].edits[0].newText, '/opt/cloud/web1-seed.iso');
    assert.equal(b.file, 'templates/web2.xml');
    assert.match(b.message, /web1-seed\.iso, not this VM's seed/);
    assert.equal(b.fixes?.[0].edits[0].newText, '/opt/cloud/web2-seed.iso');
    // The fix's range is the path itself.
    const text = readFileSync(web2, 'utf8').split('\n');
    const r = b.fixes![0].edits[0].range;
    assert.equal(text[r.start.line].slice(r.start.character, r.end.character), '/opt/cloud/web1-seed.iso');
  } finally {
    remove(dir);
  }
});

test('the seed path of a NoCloud template links to the seed the build writes', async () => {
  const dir = path.join(repoRoot, 'examples/nocloud-cluster');
  const project = await loadProject(nodeFileSystem, dir);
  const file = path.join(dir, 'templates/web1.xml');
  const links = domainLinks(readFileSync(file, 'utf8'), file, project, (p) => p.endsWith('build/seeds/web1.iso'));
  assert.deepEqual(links.map((l) => path.relative(dir, l.target)), ['build/seeds/web1.iso']);
});

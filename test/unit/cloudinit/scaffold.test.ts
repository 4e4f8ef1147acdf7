// A new NoCloud project, written from examples/nocloud-cluster, checks clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from '../../../src/core/common/fileSystem';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { scaffoldNoCloudProject } from '../../../src/core/project/scaffoldNoCloud';
import { defaultSettings } from '../../../src/core/settings';
import { checkProject } from '../../../src/core/validation/checkProject';
import { remove, repoRoot, tempDir } from '../helpers/tempProject';
import { testSchemas } from '../helpers/tempProject';

test('a scaffolded NoCloud project has its files and checks clean', async () => {
  const files = await scaffoldNoCloudProject(nodeFileSystem, path.join(repoRoot, 'examples/nocloud-cluster'), { uuid: '11111111-2222-4333-8444-555555555555', bridge: 'br0' });
  assert.deepEqual(
    files.map((f) => f.relative),
    ['.gitignore', 'README.md', 'cloud-init/user-data', 'cloud-init/vm1/meta-data', 'images/README.md', 'images/make-base-image.sh', 'templates/vm1.xml', 'vmcontext.json'],
  );
  const dir = tempDir();
  try {
    for (const f of files) {
      const abs = path.join(dir, f.relative);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, f.content);
      chmodSync(abs, f.mode);
    }
    const project = await loadProject(nodeFileSystem, dir);
    assert.equal(project.flavor, 'nocloud');
    assert.equal(project.isoLabel, 'CIDATA');
    assert.equal(project.templates[0].interfaces[0].mac?.value, '52:54:c0:a8:7a:14');
    const results = await checkProject(project, async (f) => decodeText(await nodeFileSystem.readFile(f)), defaultSettings, testSchemas);
    assert.deepEqual(results.flatMap((r) => r.diagnostics.map((d) => `${path.relative(dir, r.file)}: ${d.code}: ${d.message}`)), []);
  } finally {
    remove(dir);
  }
});

test('a missing example file is a clear error', async () => {
  const empty = tempDir();
  try {
    await assert.rejects(scaffoldNoCloudProject(nodeFileSystem, empty, { uuid: 'x', bridge: 'br0' }), /the example project is incomplete/);
  } finally {
    remove(empty);
  }
});

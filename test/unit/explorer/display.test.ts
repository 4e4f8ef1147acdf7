// What the explorer shows besides build state: sizes, the ISO's contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from '../../../src/core/common/bytes';

test('sizes in binary units (the explorer, ISO contents and deploy plans share one formatter)', () => {
  assert.deepEqual([0, 1023, 1024, 1536, 15.5 * 1024, 360448, 64 * 1024 * 1024, 3 * 2 ** 30].map(formatBytes), ['0 B', '1023 B', '1 KiB', '1.5 KiB', '15.5 KiB', '352 KiB', '64 MiB', '3 GiB']);
});

test('ISO contents list the Rock Ridge, Joliet and 8.3 name of each entry', async () => {
  const { isoListing, isoListingMarkdown } = await import('../../../src/core/build/isoListing');
  const rows = isoListing({
    kind: 'dir',
    name: '',
    mode: 0o755,
    children: [
      { kind: 'dir', name: 'common', mode: 0o755, children: [{ kind: 'file', name: 'network', mode: 0o644, size: 10, source: '/x' }] },
      { kind: 'file', name: 'post-install', mode: 0o755, size: 3000, source: '/y' },
      { kind: 'symlink', name: 'run.sh', target: 'post-install' },
    ],
  });
  assert.deepEqual(rows.map((r) => [r.rockRidge, r.joliet, r.iso9660]), [
    ['/common', '/common', '/COMMON'],
    ['/common/network', '/common/network', '/COMMON/NETWORK.;1'],
    ['/post-install', '/post-install', '/POST_INS.;1'],
    ['/run.sh', '/run.sh', '/RUN.SH;1'],
  ]);
  const md = isoListingMarkdown('build/context.iso', 'CONTEXT', rows, []);
  assert.match(md, /Volume label: \*\*CONTEXT\*\*/);
  assert.match(md, /\| `\/post-install` \| `\/post-install` \| `\/POST_INS\.;1` \| 2\.9 KiB \| 0755 \|/);
  assert.match(md, /`\/run\.sh` → `post-install`/);
});

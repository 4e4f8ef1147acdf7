// The records of the common case (a short name, PX and TF inline), written without lists by
// writeNamedRecord: the same bytes as writeRecord's, and names on both sides of the limit where a
// record's System Use stops fitting inline read back by isoinfo.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fitsInline, namedSystemUseLength, recordLength, writeNamedRecord, writeRecord } from '../../../src/core/image/iso9660/directoryRecord';
import { isShortNm, nmEntries, pxEntry, tfEntry } from '../../../src/core/image/iso9660/rockRidge';
import { writeIsoFromFolder } from '../../../src/core/io/isoFile';
import { spawnSync } from 'node:child_process';
import { removeDir, tempDir, tool, writeTree } from './helpers';

describe('directory records written by writeNamedRecord', () => {
  it('are byte for byte what writeRecord writes from [NM, PX, TF], for every name length that fits', () => {
    const px = pxEntry(0o100644, 1, 0, 0);
    const tf = tfEntry(1_700_000_000);
    let compared = 0;
    for (const id of ['A.;1', 'FILE_000.BIN;1', 'DIR', 'AB']) {
      for (let n = 1; n <= 250; n++) {
        const name = 'abcdefghij'.repeat(25).slice(0, n);
        assert.ok(isShortNm(name));
        const su = namedSystemUseLength(name, px, tf);
        if (!fitsInline(id.length, su)) continue;
        const a = new Uint8Array(300);
        const b = new Uint8Array(300);
        const la = writeNamedRecord(a, 7, 1234, 56789, 0, 1_700_000_000, id, name, px, tf);
        const lb = writeRecord(b, 7, { extent: 1234, size: 56789, flags: 0, date: 1_700_000_000, id, systemUse: [...nmEntries(name), px, tf] });
        assert.equal(la, lb);
        assert.equal(la, recordLength(id.length, su));
        assert.deepEqual(a, b, `${id} / ${n} characters`);
        compared++;
      }
    }
    assert.ok(compared > 500, `${compared} records compared`);
    assert.equal(isShortNm('héllo'), false);
    assert.equal(isShortNm(''), false);
    assert.equal(isShortNm('x'.repeat(251)), false);
  });

  it('names on both sides of the inline limit read back whole (isoinfo -R)', async () => {
    assert.ok(!spawnSync('isoinfo', ['-version']).error, 'isoinfo is missing: install the Debian package genisoimage');
    const dir = tempDir();
    try {
      const ctx = join(dir, 'context');
      // 33 + an 11-byte identifier + pad + NM (5 + n) + PX 36 + TF 26 ≤ 254: inline up to 142 characters.
      const names = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')}-${'n'.repeat(122 + i)}`);
      assert.ok(names.some((n) => fitsInline(11, namedSystemUseLength(n, pxEntry(0, 1, 0, 0), tfEntry(0)))) && names.some((n) => !fitsInline(11, namedSystemUseLength(n, pxEntry(0, 1, 0, 0), tfEntry(0)))));
      writeTree(ctx, Object.fromEntries([...names.map((n) => [n, n]), ...names.slice(0, 3).map((n) => [`${n.slice(0, 180)}-dir`, {}])]));
      const iso = join(dir, 'c.iso');
      await writeIsoFromFolder(ctx, iso, { env: { SOURCE_DATE_EPOCH: '1700000000' } });
      const listed = tool('isoinfo', ['-R', '-l', '-i', iso]).split('\n').map((l) => /\]\s\s(.+?)\s*$/.exec(l)?.[1]).filter((n): n is string => !!n && n !== '.' && n !== '..');
      assert.deepEqual(listed.sort(), [...names, ...names.slice(0, 3).map((n) => `${n.slice(0, 180)}-dir`)].sort());
      for (const n of [names[0], names[39]]) assert.equal(tool('isoinfo', ['-R', '-i', iso, '-x', `/${n}`]), n);
    } finally {
      removeDir(dir);
    }
  });
});

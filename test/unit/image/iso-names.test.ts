// Name mapping for the primary (8.3) and Joliet trees.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { naturalJolietName, naturalPrimaryName, resolveJolietNames, resolvePrimaryNames } from '../../../src/core/image/iso9660/names';
import { checkLabel } from '../../../src/core/image/iso9660/label';

const files = (...names: string[]) => names.map((name) => ({ name, isDir: false }));

describe('ISO 9660 names', () => {
  it('maps to upper-case d-characters in 8.3 form', () => {
    assert.equal(naturalPrimaryName('post-install', false).id, 'POST_INS.;1');
    assert.equal(naturalPrimaryName('network.conf', false).id, 'NETWORK.CON;1');
    assert.equal(naturalPrimaryName('.bashrc', false).id, '_BASHRC.;1');
    assert.equal(naturalPrimaryName('my.dir.name', true).id, 'MY_DIR_N');
    assert.equal(naturalPrimaryName('日本', false).id, '__.;1');
  });

  it('resolves collisions the same way whatever the input order', () => {
    const a = resolvePrimaryNames(files('post-install', 'post-installer', 'post_install', 'POST_INS'));
    assert.deepEqual(a.map((n) => n.id), ['POST_000.;1', 'POST_001.;1', 'POST_002.;1', 'POST_INS.;1']);
    const b = resolvePrimaryNames(files('post_install', 'POST_INS', 'post-installer', 'post-install'));
    assert.deepEqual(b.map((n) => n.id), ['POST_002.;1', 'POST_INS.;1', 'POST_001.;1', 'POST_000.;1']);
    const c = resolvePrimaryNames(files('post-install', 'post-installer'));
    assert.deepEqual(c.map((n) => n.id), ['POST_INS.;1', 'POST_000.;1']);
  });

  it('keeps Joliet names up to 64 UCS-2 characters, replacing what UCS-2 or Windows cannot hold', () => {
    assert.equal(naturalJolietName('name with spaces.txt'), 'name with spaces.txt');
    assert.equal(naturalJolietName('a:b*c?.txt'), 'a_b_c_.txt');
    assert.equal(naturalJolietName('🙂.txt'), '_.txt');
    const long = naturalJolietName('x'.repeat(100) + '.conf');
    assert.equal(long.length, 64);
    assert.ok(long.endsWith('.conf'));
    const r = resolveJolietNames(files('x'.repeat(100) + '1.conf', 'x'.repeat(100) + '2.conf'));
    assert.equal(new Set(r).size, 2);
    assert.ok(r.every((n) => n.length <= 64 && n.endsWith('.conf')));
  });

  it('makes one `_` per character it cannot hold: a surrogate pair is one, a lone surrogate one, a control character one', () => {
    // Names on Linux are bytes: a lone surrogate cannot come from the scan (UTF-8 checked), but the functions stay total.
    assert.equal(naturalPrimaryName('a\u{1F642}b-\u00e9\tc', false).id, 'A_B___C.;1');
    assert.equal(naturalPrimaryName('x\ud800y\udc00', false).id, 'X_Y_.;1');
    assert.equal(naturalPrimaryName('stra\u00dfe', false).id, 'STRASSE.;1');
    assert.equal(naturalJolietName('a\u{1F642}b\x01c\\d/e;f'), 'a_b_c_d_e_f');
    // A high surrogate takes the code unit after it with it; a lone low surrogate is one.
    assert.equal(naturalJolietName('x\ud800yz\udc00'), 'x_z_');
    assert.equal(naturalJolietName('end\ud800'), 'end_');
  });

  it('checks labels', () => {
    assert.equal(checkLabel('CONTEXT'), undefined);
    assert.equal(checkLabel('cidata'), undefined);
    assert.match(checkLabel('x'.repeat(33)) ?? '', /longer than 32/);
    assert.match(checkLabel('étiquette') ?? '', /printable ASCII/);
  });
});

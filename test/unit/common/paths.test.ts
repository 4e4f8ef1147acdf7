import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { displayPath, entryJoiner, isInside, isStrictlyInside, pathResolver } from '../../../src/core/common/paths';
import { projectOf } from '../../../src/core/project/discover';
import { linkInside } from '../../../src/core/image/iso9660/contextEntries';

test('isInside: a sibling whose name starts the same is not inside', () => {
  assert.equal(isInside('/p', '/p2/x', path.posix), false);
  assert.equal(isInside('/p', '/p/x', path.posix), true);
  assert.equal(isInside('/p', '/p', path.posix), true);
  assert.equal(isInside('/p', '/p/../q', path.posix), false);
  assert.equal(isInside('/p', '/p/..x/y', path.posix), true);
  assert.equal(isStrictlyInside('/p', '/p', path.posix), false);
  assert.equal(isStrictlyInside('/p/', '/p/a', path.posix), true);
});

test('isInside: Windows drive letters, case and backslashes', () => {
  const w = path.win32;
  assert.equal(isInside('C:\\proj', 'C:\\proj\\build\\a.iso', w), true);
  assert.equal(isInside('C:\\proj', 'c:\\PROJ\\build', w), true);
  assert.equal(isInside('C:\\proj', 'D:\\proj\\build', w), false);
  assert.equal(isInside('C:\\proj', 'C:\\proj2', w), false);
  assert.equal(isInside('C:\\proj', 'C:\\proj\\..\\other', w), false);
});

test('displayPath: relative inside, unchanged outside', () => {
  assert.equal(displayPath('/p', '/p/build/x.iso', path.posix), 'build/x.iso');
  assert.equal(displayPath('/p', '/p2/x.iso', path.posix), '/p2/x.iso');
  assert.equal(displayPath('C:\\p', 'C:\\p\\b\\x.iso', path.win32), 'b\\x.iso');
});

test('the containment users: a project root /p does not own /p2, a symlink to ../..x-named folder inside stays', () => {
  assert.equal(projectOf(['/p', '/p/sub'], '/p2/x'), undefined);
  assert.equal(projectOf(['/p', '/p/sub'], '/p/sub/x'), '/p/sub');
  assert.equal(projectOf(['/p'], '/p'), '/p');
  assert.equal(linkInside('/ctx', 'a/link', '/ctx2/file'), undefined);
  assert.equal(linkInside('/ctx', 'a/link', '/ctx/..data/file'), '../..data/file');
  assert.equal(linkInside('/ctx', 'link', '/etc/passwd'), undefined);
});

test('entryJoiner: the folder normalized once, whatever it is given as; a name that is no single entry refused', () => {
  // [path API, folder, name, path]
  const joined: Array<[typeof path.posix, string, string, string]> = [
    [path.posix, '/ctx/', 'a', '/ctx/a'],
    [path.posix, '/ctx//sub/./../sub/', 'a', '/ctx/sub/a'],
    [path.posix, '/', 'a', '/a'],
    [path.posix, '/ctx', '..a', '/ctx/..a'],
    // A backslash is a name's character on POSIX.
    [path.posix, '/ctx', 'a\\b', '/ctx/a\\b'],
    // Relative: from the working folder, as path.resolve.
    [path.posix, 'ctx', 'a', path.posix.join(process.cwd(), 'ctx', 'a')],
    [path.win32, 'C:\\ctx', 'a', 'C:\\ctx\\a'],
    [path.win32, 'C:\\ctx\\', 'a', 'C:\\ctx\\a'],
    [path.win32, 'C:/ctx/sub/../', 'a', 'C:\\ctx\\a'],
    [path.win32, 'C:\\', 'a', 'C:\\a'],
    [path.win32, '\\\\server\\share\\', 'a', '\\\\server\\share\\a'],
  ];
  for (const [api, dir, name, expected] of joined) assert.equal(entryJoiner(dir, api)(name), expected, `${dir} ${name}`);
  // The same as path.join for every entry name.
  for (const dir of ['/ctx', '/ctx/', '/a/../ctx', '/']) for (const name of ['x', 'x y', '...', 'é']) assert.equal(entryJoiner(dir, path.posix)(name), path.posix.join(dir, name));

  const refused: Array<[typeof path.posix, string, string[]]> = [
    [path.posix, '/ctx', ['', '.', '..', 'a/b', '/a']],
    [path.win32, 'C:\\ctx', ['', '..', 'a\\b', 'a/b']],
  ];
  for (const [api, dir, names] of refused) for (const bad of names) assert.throws(() => entryJoiner(dir, api)(bad), new RegExp(`^Error: ${JSON.stringify(bad).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} is not the name of an entry of `), JSON.stringify(bad));
});

test('pathResolver: the same string as path.resolve(base, p) for every kind of path, POSIX and Windows', () => {
  const bases = ['/w', '/w/', '/', '/w//x/./y/..', 'rel/dir', ''];
  const paths = ['a', 'a/b.xml', 'a//b', 'a/', './a', 'a/.', 'a/./b', '../a', 'a/..', 'a/../b', '..', '.', '', '/abs/x', '/abs/../y', '.a', '..a', 'a..', 'a/.b/..c', 'a\\b', 'C:x', 'C:\\x', '\\\\srv\\s\\x', 'é/ü'];
  for (const api of [path.posix, path.win32]) {
    for (const base of [...bases, 'C:\\w', 'C:\\w\\', 'C:']) {
      const resolve = pathResolver(base, api);
      for (const p of paths) assert.equal(resolve(p), api.resolve(base, p), `${api === path.posix ? 'posix' : 'win32'} ${JSON.stringify(base)} ${JSON.stringify(p)}`);
    }
  }
});

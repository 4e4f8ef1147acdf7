import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { displayPath, entryJoiner, isInside, isStrictlyInside } from '../../../src/core/common/paths';
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
  const p = path.posix;
  assert.equal(entryJoiner('/ctx', p)('a'), '/ctx/a');
  assert.equal(entryJoiner('/ctx/', p)('a'), '/ctx/a');
  assert.equal(entryJoiner('/ctx//sub/./../sub/', p)('a'), '/ctx/sub/a');
  assert.equal(entryJoiner('/', p)('a'), '/a');
  assert.equal(entryJoiner('/ctx', p)('..a'), '/ctx/..a');
  assert.equal(entryJoiner('/ctx', p)('a\\b'), '/ctx/a\\b', 'a backslash is a name\'s character on POSIX');
  // Relative: from the working folder, as path.resolve.
  assert.equal(entryJoiner('ctx', p)('a'), p.join(process.cwd(), 'ctx', 'a'));
  for (const bad of ['', '.', '..', 'a/b', '/a']) assert.throws(() => entryJoiner('/ctx', p)(bad), /is not the name of an entry of \/ctx$/, JSON.stringify(bad));
  // The same as path.join for every entry name.
  for (const dir of ['/ctx', '/ctx/', '/a/../ctx', '/']) for (const name of ['x', 'x y', '...', 'é']) assert.equal(entryJoiner(dir, p)(name), p.join(dir, name));

  const w = path.win32;
  assert.equal(entryJoiner('C:\\ctx', w)('a'), 'C:\\ctx\\a');
  assert.equal(entryJoiner('C:\\ctx\\', w)('a'), 'C:\\ctx\\a');
  assert.equal(entryJoiner('C:/ctx/sub/../', w)('a'), 'C:\\ctx\\a');
  assert.equal(entryJoiner('C:\\', w)('a'), 'C:\\a');
  assert.equal(entryJoiner('\\\\server\\share\\', w)('a'), '\\\\server\\share\\a');
  for (const bad of ['a\\b', 'a/b', '..']) assert.throws(() => entryJoiner('C:\\ctx', w)(bad), /is not the name of an entry/, JSON.stringify(bad));
});

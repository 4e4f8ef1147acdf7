// The build's decisions as pure functions: the overlay status the explorer shows and the
// action a build takes come from one rule; the ISO is stale by content hash, not file times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideOverlay, overlayStatus, type ExistingOverlay } from '../../../src/core/build/overlayDecision';
import { emptyState, isoStaleReason, parseState, serializeState, cachedHash } from '../../../src/core/build/buildState';
import { identityOf, imageIdentityVerdict, inputUnchanged } from '../../../src/core/common/fileIdentity';

const want = { size: 1 << 26, backingName: 'debian-base.raw', backingFormat: 'raw' as const };
const fresh: ExistingOverlay = { kind: 'qcow2', empty: true, allocatedL1: 0, snapshots: 0, backingName: 'debian-base.raw', backingFormat: 'raw', size: 1 << 26, fileSize: 262144 };
const used: ExistingOverlay = { ...fresh, empty: false, allocatedL1: 1 };

test('overlay status: missing, empty and up to date, out of date (why), holds data, invalid', () => {
  const missing = overlayStatus({ kind: 'missing' }, want);
  assert.deepEqual([missing.condition, missing.fileSize], ['missing', undefined]);
  const empty = overlayStatus(fresh, want);
  assert.deepEqual([empty.condition, empty.fileSize, empty.reason], ['empty', 262144, 'up to date (empty, same base)']);

  const other = overlayStatus({ ...fresh, backingName: '/opt/cloud/old.raw' }, want);
  assert.equal(other.condition, 'outdated');
  assert.deepEqual(other.differences, ['backing file "/opt/cloud/old.raw" instead of "debian-base.raw"']);
  assert.match(other.reason, /^empty and out of date: backing file/);
  assert.match(overlayStatus({ ...fresh, size: 5 }, want).reason, /virtual size 5 instead of 67108864/);
  assert.match(overlayStatus({ ...fresh, backingFormat: undefined }, want).reason, /backing format unset instead of raw/);

  const data = overlayStatus(used, want);
  assert.deepEqual([data.condition, data.holds], ['data', 'data (1 allocated L1 entry)']);
  assert.match(data.reason, /holds the VM's data .*--force/);
  assert.equal(overlayStatus({ ...used, snapshots: 2 }, want).holds, '2 snapshot(s)');
  // Out of date and holding data: a warning, and a build still leaves it alone.
  const both = overlayStatus({ ...used, size: 5 }, want);
  assert.deepEqual([both.condition, both.holds], ['outdated', 'data (1 allocated L1 entry)']);
  assert.match(both.reason, /is out of date \(virtual size 5 .*\) but holds the VM's data/);

  const invalid = overlayStatus({ kind: 'not-qcow2', fileSize: 10 }, want);
  assert.deepEqual([invalid.condition, invalid.fileSize], ['invalid', 10]);
  assert.match(invalid.reason, /no qcow2 image; left alone/);
});

test('without a usable base image the status says only what the file says', () => {
  assert.deepEqual([overlayStatus(fresh, undefined).condition, overlayStatus(fresh, undefined).differences], ['empty', []]);
  assert.match(overlayStatus(fresh, undefined).reason, /no usable base image/);
  assert.equal(overlayStatus({ ...used, size: 5 }, undefined).condition, 'data');
  assert.equal(overlayStatus({ kind: 'missing' }, undefined).condition, 'missing');
});

test('the status reason is what a build without --force does; --force overrides only the action', () => {
  for (const existing of [{ kind: 'missing' } as const, { kind: 'not-qcow2', fileSize: 1 } as const, fresh, used, { ...fresh, size: 5 }, { ...used, size: 5 }]) {
    assert.equal(overlayStatus(existing, want).reason, decideOverlay(existing, want, false).reason);
  }
  assert.deepEqual(decideOverlay({ kind: 'missing' }, want, false), { action: 'write', reason: 'new' });
  assert.equal(decideOverlay(fresh, want, false).action, 'keep');
  assert.deepEqual(decideOverlay(fresh, want, true), { action: 'write', reason: 'rewritten (--force)' });
  assert.equal(decideOverlay({ ...fresh, size: 5 }, want, false).action, 'write');
  assert.equal(decideOverlay(used, want, false).action, 'refuse');
  assert.equal(decideOverlay({ ...used, size: 5 }, want, false).action, 'refuse');
  assert.match(decideOverlay(used, want, true).reason, /recreated with --force, discarding the VM's data/);
  assert.equal(decideOverlay({ kind: 'not-qcow2', fileSize: 1 }, want, false).action, 'refuse');
  assert.equal(decideOverlay({ kind: 'not-qcow2', fileSize: 1 }, want, true).action, 'write');
});

test('the ISO is stale by the hash of its inputs and the recorded image, never by file times alone', () => {
  const state = { ...emptyState(), iso: { output: '/p/build/context.iso', inputHash: 'abc', size: 100, mtimeMs: 5, ino: 7, ctimeMs: 9 } };
  const now = { size: 100, mtimeMs: 5, ino: 7, ctimeMs: 9 };
  assert.equal(isoStaleReason(state, '/p/build/context.iso', 'abc', now), undefined);
  assert.equal(isoStaleReason(state, '/p/build/context.iso', 'abc', undefined), 'new');
  assert.equal(isoStaleReason(emptyState(), '/p/build/context.iso', 'abc', now), 'no record of an earlier build');
  assert.equal(isoStaleReason(state, '/q/build/context.iso', 'abc', now), 'no record of an earlier build');
  assert.equal(isoStaleReason(state, '/p/build/context.iso', 'def', now), 'the context or the options changed');
  assert.equal(isoStaleReason(state, '/p/build/context.iso', 'abc', { ...now, mtimeMs: 6 }), 'the image was changed outside the build');
  assert.equal(isoStaleReason(state, '/p/build/context.iso', 'abc', { ...now, ino: 8 }), 'the image was changed outside the build');
  // The change time alone: left to the image's sample (the build engine's).
  assert.equal(isoStaleReason(state, '/p/build/context.iso', 'abc', { ...now, ctimeMs: 10 }), undefined);
  // An earlier vm-context's record (no inode): built again once.
  const old = { ...emptyState(), iso: { output: '/p/build/context.iso', inputHash: 'abc', size: 100, mtimeMs: 5 } };
  assert.match(isoStaleReason(old, '/p/build/context.iso', 'abc', now) ?? '', /^recorded by an earlier vm-context/);
});

test('the build record: unreadable means a full build; cached hashes hold while size, mtime, inode and ctime do', () => {
  assert.deepEqual(parseState(undefined), emptyState());
  assert.deepEqual(parseState('{nope'), emptyState());
  assert.deepEqual(parseState('{"version":2,"files":{}}'), emptyState());
  const s = { ...emptyState(), files: { '/c/post-install': { size: 3, mtimeMs: 7, ino: 9, ctimeMs: 11, sha256: 'h' } } };
  assert.deepEqual(parseState(serializeState(s)).files, s.files);
  const st = { size: 3, mtimeMs: 7, ino: 9, ctimeMs: 11 };
  assert.equal(cachedHash(s, '/c/post-install', st), 'h');
  assert.equal(cachedHash(s, '/c/post-install', { ...st, size: 4 }), undefined);
  assert.equal(cachedHash(s, '/c/post-install', { ...st, mtimeMs: 8 }), undefined);
  assert.equal(cachedHash(s, '/c/post-install', { ...st, ino: 10 }), undefined);
  // Rewritten with the size kept and the mtime set back: only the change time tells.
  assert.equal(cachedHash(s, '/c/post-install', { ...st, ctimeMs: 12 }), undefined);
  assert.equal(cachedHash(s, '/c/other', st), undefined);
  // A record of an earlier vm-context (no ctime) still loads; its hashes count as changed (read once more).
  const old = parseState('{"version":1,"files":{"/c/post-install":{"size":3,"mtimeMs":7,"ino":9,"sha256":"h"}}}');
  assert.equal(old.files['/c/post-install'].sha256, 'h');
  assert.equal(cachedHash(old, '/c/post-install', st), undefined);
});

test('the two rules of "unchanged": inputs by size, mtime, inode and ctime; images by size, mtime and inode, a moved ctime alone to be checked', () => {
  const r = { size: 3, mtimeMs: 7, ino: 9, ctimeMs: 11 };
  assert.equal(inputUnchanged(r, { ...r }), true);
  for (const k of ['size', 'mtimeMs', 'ino', 'ctimeMs'] as const) assert.equal(inputUnchanged(r, { ...r, [k]: 1 }), false, k);
  assert.equal(inputUnchanged({ size: 3, mtimeMs: 7, ino: 9 }, r), false, 'a record without ctime');
  assert.equal(imageIdentityVerdict(r, { ...r }), 'unchanged');
  for (const k of ['size', 'mtimeMs', 'ino'] as const) assert.equal(imageIdentityVerdict(r, { ...r, [k]: 1 }), 'changed', k);
  assert.equal(imageIdentityVerdict(r, { ...r, ctimeMs: 12 }), 'check');
  assert.equal(imageIdentityVerdict({ size: 3, mtimeMs: 7, ino: 9 }, r), 'check', 'a record without ctime');
  assert.deepEqual(identityOf({ ...r, extra: 1 } as typeof r), r);
});

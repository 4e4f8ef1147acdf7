// The virsh output parsers, on output captured from libvirt 9.0 (virsh -c test:///default).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseDeployMetadataHash,
  parseDomUuid,
  parseDomainState,
  parseListAll,
  parsePoolTargetPath,
  parseVolInfo,
} from '../../../src/core/deploy/virshOutput';

test('state words map to the explorer states', () => {
  assert.equal(parseDomainState('running'), 'running');
  assert.equal(parseDomainState('idle'), 'running');
  assert.equal(parseDomainState('shut off'), 'shut off');
  assert.equal(parseDomainState('paused'), 'paused');
  assert.equal(parseDomainState('in shutdown'), 'shutting down');
  assert.equal(parseDomainState('pmsuspended'), 'suspended');
  assert.equal(parseDomainState('crashed'), 'crashed');
  assert.equal(parseDomainState('dying'), 'other');
});

test('list --all: running and inactive rows, names with dashes', () => {
  const text = ` Id   Name        State
---------------------------
 1    debian1     running
 -    debian-two  shut off
 3    db          in shutdown
`;
  assert.deepEqual(parseListAll(text), [
    { id: 1, name: 'debian1', state: 'running' },
    { id: undefined, name: 'debian-two', state: 'shut off' },
    { id: 3, name: 'db', state: 'shutting down' },
  ]);
  assert.deepEqual(parseListAll(' Id   Name   State\n--------------------\n\n'), []);
  // virsh -q prints no header at all.
  assert.deepEqual(parseListAll(' -    test   shut off\n'), [{ id: undefined, name: 'test', state: 'shut off' }]);
});

test('domuuid', () => {
  assert.equal(parseDomUuid('6695EB01-F6A4-8304-79AA-97F2502E193F\n\n'), '6695eb01-f6a4-8304-79aa-97f2502e193f');
  assert.throws(() => parseDomUuid(''), /domuuid/);
});

test('vol-info: bytes with --bytes, undefined for rounded units', () => {
  assert.deepEqual(parseVolInfo('Name:           x.raw\nType:           file\nCapacity:       1048576 bytes\nAllocation:     200704 bytes\n'), {
    name: 'x.raw',
    type: 'file',
    capacity: 1048576,
    allocation: 200704,
  });
  const rounded = parseVolInfo('Name:           x.raw\nType:           file\nCapacity:       1.00 MiB\nAllocation:     1.00 MiB\n');
  assert.equal(rounded.capacity, undefined);
});

test('pool target path and the deploy metadata hash', () => {
  const pool = `<pool type='dir'>\n  <name>default-pool</name>\n  <source>\n  </source>\n  <target>\n    <path>/var/lib/libvirt/images</path>\n  </target>\n</pool>`;
  assert.equal(parsePoolTargetPath(pool), '/var/lib/libvirt/images');
  assert.equal(parsePoolTargetPath('<pool/>'), undefined);
  const h = 'a'.repeat(64);
  assert.equal(parseDeployMetadataHash(`<metadata>\n<vmctx:deploy xmlns:vmctx="urn:vm-context:deploy:1" hash="${h}"/></metadata>`), h);
  assert.equal(parseDeployMetadataHash(`<deploy xmlns="urn:vm-context:deploy:1" hash='${h}'/>`), h);
  assert.equal(parseDeployMetadataHash('<domain/>'), undefined);
});

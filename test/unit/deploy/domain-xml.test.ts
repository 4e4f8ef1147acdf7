import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { prepareDomainXml, DEPLOY_METADATA_NS } from '../../../src/core/deploy/deployDomainXml';
import { parseDeployMetadataHash } from '../../../src/core/deploy/virshOutput';
import { exampleProject } from '../helpers/tempProject';

const template = readFileSync(path.join(exampleProject, 'templates/debian1.xml'), 'utf8');

test('disk sources are rewritten, everything else kept as written, metadata added', () => {
  const p = prepareDomainXml(template, new Map([['/opt/cloud/debian1.qcow2', '/srv/vm/debian1.qcow2']]));
  assert.match(p.xml, /<source file='\/srv\/vm\/debian1\.qcow2'\/>/);
  assert.match(p.xml, /<source file='\/opt\/cloud\/context\.iso'\/>/);
  assert.ok(p.xml.includes('<!-- A contextualized Debian VM'), 'the comment stays');
  assert.ok(p.xml.includes(`xmlns:vmctx="${DEPLOY_METADATA_NS}"`));
  assert.equal(parseDeployMetadataHash(p.xml), p.hash);
  assert.match(p.xml, /<\/metadata>\n<\/domain>/);
});

test('the hash follows the definition: same input same hash, another path another hash', () => {
  const a = prepareDomainXml(template, new Map());
  const b = prepareDomainXml(template, new Map());
  const c = prepareDomainXml(template, new Map([['/opt/cloud/context.iso', '/srv/context.iso']]));
  assert.equal(a.hash, b.hash);
  assert.notEqual(a.hash, c.hash);
});

test('an existing <metadata> gets our element once, also when deploying an already prepared XML', () => {
  const withMeta = template.replace('</domain>', '  <metadata>\n    <app:x xmlns:app="urn:app"/>\n  </metadata>\n</domain>');
  const p = prepareDomainXml(withMeta, new Map());
  assert.equal(p.xml.match(/<vmctx:deploy/g)?.length, 1);
  assert.ok(p.xml.includes('<app:x xmlns:app="urn:app"/>'));
  const again = prepareDomainXml(p.xml, new Map());
  assert.equal(again.xml.match(/<vmctx:deploy/g)?.length, 1);
  const empty = prepareDomainXml(template.replace('</domain>', '<metadata/></domain>'), new Map());
  assert.equal(parseDeployMetadataHash(empty.xml), empty.hash);
});

test('a broken template is an error', () => {
  assert.throws(() => prepareDomainXml('<domain><name>x</name>', new Map()), /well-formed/);
  assert.throws(() => prepareDomainXml('<network/>', new Map()), /<domain>/);
});

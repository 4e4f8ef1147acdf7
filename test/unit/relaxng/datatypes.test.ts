import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDatatype, DatatypeError, XSD_LIBRARY, compareDecimal } from '../../../src/core/relaxng/datatypes';

const xsd = (name: string, params: Array<[string, string]> = []) => createDatatype(XSD_LIBRARY, name, params.map(([n, v]) => ({ name: n, value: v })));
const ok = (name: string, v: string, params: Array<[string, string]> = []) => xsd(name, params).check(v) === undefined;

test('built-in library: string keeps whitespace, token collapses it', () => {
  const s = createDatatype('', 'string');
  const t = createDatatype('', 'token');
  assert.equal(s.value(' a  b '), ' a  b ');
  assert.equal(t.value(' a \n b '), 'a b');
  assert.throws(() => createDatatype('', 'int'), DatatypeError);
});

test('integers and their ranges, with big values exact', () => {
  assert.ok(ok('integer', ' -00042 '));
  assert.equal(xsd('integer').value('+007'), '7');
  assert.ok(!ok('integer', '1.0'));
  assert.ok(ok('unsignedLong', '18446744073709551615'));
  assert.ok(!ok('unsignedLong', '18446744073709551616'));
  assert.ok(ok('long', '-9223372036854775808'));
  assert.ok(!ok('int', '2147483648'));
  assert.ok(ok('short', '-32768') && !ok('short', '32768'));
  assert.ok(ok('byte', '127') && !ok('byte', '-129'));
  assert.ok(ok('unsignedByte', '255') && !ok('unsignedByte', '-1'));
  assert.ok(ok('positiveInteger', '1') && !ok('positiveInteger', '0'));
  assert.ok(ok('nonNegativeInteger', '0') && !ok('nonNegativeInteger', '-1'));
  assert.ok(ok('negativeInteger', '-1') && !ok('negativeInteger', '0'));
  assert.ok(ok('nonPositiveInteger', '0') && !ok('nonPositiveInteger', '1'));
});

test('decimal, double, float, boolean', () => {
  assert.ok(ok('decimal', '-.5') && ok('decimal', '5.') && !ok('decimal', '1e3'));
  assert.equal(xsd('decimal').value('0010.500'), '10.5');
  assert.equal(compareDecimal('-1.5', '-1.25'), -1);
  assert.equal(compareDecimal('12345678901234567890.1', '12345678901234567890.01'), 1);
  assert.ok(ok('double', '1.5E-3') && ok('double', '-INF') && ok('double', 'NaN') && !ok('double', '+INF') && !ok('float', 'inf'));
  assert.equal(xsd('boolean').value('1'), 'true');
  assert.ok(!ok('boolean', 'yes'));
});

test('dates, times, names, URIs, QNames', () => {
  assert.ok(ok('dateTime', '2024-02-29T23:59:59.123+05:30'));
  assert.ok(!ok('dateTime', '2024-02-29 23:59:59'));
  assert.ok(ok('date', '2024-01-31Z') && !ok('date', '2024-1-31'));
  assert.ok(ok('time', '08:30:00') && !ok('time', '8:30'));
  assert.ok(ok('NCName', 'a-b.c') && !ok('NCName', 'a:b') && !ok('NCName', '1a'));
  assert.ok(ok('Name', 'a:b'));
  assert.ok(ok('ID', 'x1') && ok('IDREF', 'x1'));
  assert.ok(ok('anyURI', 'http://example.org/a b'));
  const q = xsd('QName');
  assert.equal(q.value('p:x', { resolve: (p) => (p === 'p' ? 'urn:p' : p === '' ? '' : undefined) }), '{urn:p}x');
  assert.equal(q.check('zz:x', { resolve: () => undefined }) !== undefined, true);
});

test('facets: pattern, lengths, bounds', () => {
  assert.ok(ok('string', 'ab', [['pattern', '[a-z]+']]) && !ok('string', 'aB', [['pattern', '[a-z]+']]));
  assert.ok(!ok('string', 'abc', [['length', '2']]));
  assert.ok(ok('string', 'éé', [['length', '2']])); // characters, not bytes
  assert.ok(!ok('token', 'a', [['minLength', '2']]));
  assert.ok(!ok('token', 'abc', [['maxLength', '2']]));
  assert.ok(ok('int', '5', [['minInclusive', '5'], ['maxExclusive', '6']]));
  assert.ok(!ok('int', '6', [['minInclusive', '5'], ['maxExclusive', '6']]));
  assert.ok(!ok('decimal', '0', [['minExclusive', '0']]));
  assert.ok(!ok('decimal', '1.51', [['maxInclusive', '1.5']]));
  assert.equal(xsd('int', [['maxInclusive', '10']]).check('11'), 'must be an integer less than or equal to 10');
  assert.ok(ok('hexBinary', '0aFF', [['length', '2']]));
  assert.throws(() => xsd('int', [['pattern', '[a-']]), DatatypeError);
  assert.throws(() => xsd('int', [['length', '2']]), DatatypeError);
  assert.throws(() => xsd('string', [['enumeration', 'a']]), DatatypeError);
  assert.throws(() => xsd('int', [['minInclusive', 'x']]), DatatypeError);
  assert.throws(() => xsd('integr'), DatatypeError);
  assert.throws(() => createDatatype('urn:nope', 'x'), DatatypeError);
});

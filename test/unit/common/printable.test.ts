// printable: the one escape-and-cut for text quoted from project files in every message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable, MAX_SHOWN_LENGTH } from '../../../src/core/common/text';

test('control, DEL, C1 and bidi characters become visible escapes; plain text is untouched', () => {
  assert.equal(printable('plain text, ünïcödé ✓ \\ backslash'), 'plain text, ünïcödé ✓ \\ backslash');
  assert.equal(printable('\u001b[31mred\u0000\u0007'), '\\x1b[31mred\\x00\\x07');
  assert.equal(printable('a\nb\rc\td'), 'a\\nb\\rc\\td');
  assert.equal(printable('\u007f\u0085\u009b'), '\\x7f\\x85\\x9b');
  assert.equal(printable('abc\u202edef\u2066\u200b\ufeff'), 'abc\\u202edef\\u2066\\u200b\\ufeff');
  const once = printable('\u001bx\u0000');
  assert.equal(printable(once), once, 'escaping twice changes nothing more');
});

test('long text is cut at the limit, never inside an escape or a surrogate pair, with the rest counted', () => {
  const big = 'A'.repeat(5 * 1024 * 1024);
  const shown = printable(big);
  assert.equal(shown, `${'A'.repeat(MAX_SHOWN_LENGTH)}… (${big.length - MAX_SHOWN_LENGTH} more characters)`);
  assert.equal(printable('ab\u001bcd', 4), 'ab… (3 more characters)', 'the 4-character escape does not fit after "ab"');
  assert.equal(printable('a😀b', 2), 'a… (3 more characters)', 'no half surrogate pair');
  assert.equal(printable('x'.repeat(10), 10), 'x'.repeat(10));
});

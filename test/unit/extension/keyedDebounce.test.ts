// The extension's one per-key debounce (vscode is only a type import there, so it runs here).
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedDebounce } from '../../../src/extension/keyedDebounce';

test('KeyedDebounce: the last call per key runs once after the delay; keys are independent; cancel and dispose stop it', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const ran: string[] = [];
    const d = new KeyedDebounce(100);
    d.schedule('a', () => ran.push('a1'));
    mock.timers.tick(60);
    d.schedule('a', () => ran.push('a2'));
    d.schedule('b', () => ran.push('b1'));
    mock.timers.tick(60);
    assert.deepEqual([...ran], [], 'nothing before its delay');
    mock.timers.tick(40);
    assert.deepEqual([...ran], ['a2', 'b1']);
    d.schedule('c', () => ran.push('c1'));
    d.cancel('c');
    d.schedule('e', () => ran.push('e1'));
    d.dispose();
    mock.timers.tick(500);
    assert.deepEqual([...ran], ['a2', 'b1']);
  } finally {
    mock.timers.reset();
  }
});

// The keystroke path comes first: background ranking (warmClaims) waits while a completion or
// hover is answered and for a quiet moment after it.
import { strict as assert } from 'node:assert';
import { Keystrokes } from '../../../server/src/lsp/keystrokes';

describe('lsp: keystroke requests before background work', () => {
  it('idle() resolves at once when nothing was asked', async () => {
    const order: string[] = [];
    await new Keystrokes().idle().then(() => order.push('idle'));
    assert.deepEqual(order, ['idle']);
  });

  it('idle() waits for a request being answered, and resolves after its answer', async () => {
    const keystrokes = new Keystrokes();
    const order: string[] = [];
    let finish!: () => void;
    const answered = keystrokes.answer(() => new Promise<void>((resolve) => (finish = resolve))).then(() => order.push('answered'));
    const idle = keystrokes.idle().then(() => order.push('idle'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(order, [], 'nothing while the request is in flight');
    finish();
    await Promise.all([answered, idle]);
    assert.deepEqual(order, ['answered', 'idle']);
  });

  it('a request answered just now still holds background work back (the quiet moment)', async () => {
    const keystrokes = new Keystrokes();
    await keystrokes.answer(() => 'items');
    const order: string[] = [];
    const idle = keystrokes.idle().then(() => order.push('idle'));
    await new Promise((resolve) => setImmediate(resolve));
    order.push('next turn');
    await idle;
    assert.deepEqual(order, ['next turn', 'idle']);
  });
});

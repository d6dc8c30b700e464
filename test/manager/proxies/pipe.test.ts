// ConnectionProxy: the two ends of a managed Pipe, async forms and for await.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelClosedError, TimeoutError } from '../../../src/errors.ts';
import { ConnectionProxy } from '../../../src/manager/proxies/pipe.ts';
import { setup } from './helpers.ts';

async function ends(duplex?: boolean): Promise<[ConnectionProxy<string>, ConnectionProxy<string>]> {
  const s = setup();
  const [left, right] = (
    duplex === undefined ? await s.a.create('Pipe') : await s.a.create('Pipe', duplex)
  ) as number[];
  return [new ConnectionProxy<string>(s.a, left!), new ConnectionProxy<string>(s.b, right!)];
}

describe('ConnectionProxy', () => {
  test('messages go both ways; pollAsync and recvAsync time out as the thread Connection', async () => {
    const [left, right] = await ends();
    assert.equal(await right.pollAsync(), false);
    await left.sendAsync('hi');
    assert.equal(await right.pollAsync(1_000), true);
    assert.equal(await right.recvAsync(), 'hi');
    await right.sendAsync('back');
    assert.equal(await left.recvAsync(), 'back');
    await assert.rejects(left.recvAsync({ timeout: 5 }), TimeoutError);
    assert.deepEqual([await left.readableAsync(), await left.writableAsync()], [true, true]);
  });

  test('for await ends when the other end closes, after what it sent', async () => {
    const [left, right] = await ends(false);
    assert.equal(await left.writableAsync(), false);
    for (const m of ['a', 'b']) await right.sendAsync(m);
    await right.closeAsync();
    const got: string[] = [];
    for await (const m of left) got.push(m);
    assert.deepEqual(got, ['a', 'b']);
    await assert.rejects(right.sendAsync('late'), ChannelClosedError);
    assert.equal(await right.closedAsync(), true);
  });
});

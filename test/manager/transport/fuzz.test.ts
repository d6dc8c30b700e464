// Hostile and broken peers: whatever bytes arrive, the server never crashes, answers what it can (an error reply
// to a request whose id it can read) and closes what it cannot, and a real client still works afterwards.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ManagerUnavailableError, ProtocolError } from '../../../src/errors.ts';
import { ServerHandshake, authkeyBytes, newAuthkey } from '../../../src/manager/auth.ts';
import { decodeError } from '../../../src/backends/common/remote-error.ts';
import type { EncodedError } from '../../../src/backends/common/remote-error.ts';
import { connect } from '../../../src/manager/connection.ts';
import type { Connection } from '../../../src/manager/connection.ts';
import { startServer } from '../../../src/manager/server.ts';
import type { ManagerServer } from '../../../src/manager/server.ts';
import {
  FRAME_CANCEL,
  FRAME_GOODBYE,
  FRAME_POLL,
  FRAME_REPLY,
  FRAME_REQUEST,
  FrameDecoder,
  REPLY_ERROR,
  REPLY_OK,
  deserializeBody,
  encodeRaw,
  encodeReply,
  encodeRequest,
  readReplyHead,
} from '../../../src/manager/wire.ts';
import type { Frame } from '../../../src/manager/wire.ts';
import { createObjectHost } from '../../fixtures/manager-transport-host.ts';
import { rawPeer, seededRandom } from '../../fixtures/manager-transport-raw.ts';

const host = createObjectHost();
let server: ManagerServer;
let client: Connection;
const MAX = 64 * 1024 * 1024;

before(async () => {
  server = await startServer({ host, handshakeTimeout: 500 });
  client = await connect(server.endpoint);
});
after(async () => {
  client.close();
  await server.close();
});

function randomBytes(random: () => number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** A frame of any type with this payload, its length prefix right. */
const frameOf = (type: number, payload: Buffer): Buffer => encodeRaw(type, payload);

/** The error a REPLY frame carries. */
function replyError(frame: Frame): unknown {
  const head = readReplyHead(frame.payload);
  assert.equal(head.status, REPLY_ERROR);
  return decodeError(deserializeBody(head.body, 'reply') as EncodedError);
}

async function stillServes(): Promise<void> {
  assert.equal(await client.call(0, 'echo', ['alive']), 'alive');
  const fresh = await connect(server.endpoint);
  assert.equal(await fresh.call(0, 'echo', ['new client']), 'new client');
  fresh.close();
}

describe('before the handshake', () => {
  test('random bytes get the connection closed, never a crash', async () => {
    const random = seededRandom(1);
    for (let i = 0; i < 40; i++) {
      const peer = await rawPeer(server.endpoint, false);
      peer.socket.write(randomBytes(random, 1 + Math.floor(random() * 3000)));
      await peer.closed;
    }
    await stillServes();
  });

  test('a huge length prefix is refused at once, without waiting for the bytes', async () => {
    const peer = await rawPeer(server.endpoint, false);
    peer.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, FRAME_REQUEST]));
    await peer.closed;
    await stillServes();
  });

  test('a request before authenticating is not served: the connection closes with no reply', async () => {
    const invoked = host.invocations.length;
    const peer = await rawPeer(server.endpoint, false);
    peer.socket.write(encodeRequest(1, 0, 'echo', ['sneaky'], undefined, MAX));
    await peer.closed;
    assert.equal(host.invocations.length, invoked);
  });

  test('a peer that stops mid-handshake is cut off by the deadline', async () => {
    const peer = await rawPeer(server.endpoint, false);
    peer.socket.write(Buffer.from([0, 0, 0, 33])); // the start of a PROOF, and then nothing
    await peer.closed;
  });
});

describe('after the handshake', () => {
  test('a request with a readable id and a garbage body gets an error reply, and the session goes on', async () => {
    const random = seededRandom(2);
    const peer = await rawPeer(server.endpoint, true);
    for (let id = 1; id <= 200; id++) {
      const body = randomBytes(random, Math.floor(random() * 200));
      const payload = Buffer.concat([Buffer.from([0, 0, 0, 0]), body]);
      payload.writeUInt32BE(id, 0);
      peer.socket.write(frameOf(FRAME_REQUEST, payload));
    }
    peer.socket.write(encodeRequest(1000, 0, 'echo', ['after garbage'], undefined, MAX));
    const ok = await peer.frame((f) => f.type === FRAME_REPLY && readReplyHead(f.payload).id === 1000);
    assert.equal(readReplyHead(ok.payload).status, REPLY_OK);
    const errors = peer.frames.filter((f) => readReplyHead(f.payload).id !== 1000);
    assert.equal(errors.length, 200, 'one reply per garbage request');
    for (const frame of errors) assert.ok(replyError(frame) instanceof ProtocolError);
    peer.socket.destroy();
  });

  test('unknown frame types, short requests, bad cancels and huge lengths: GOODBYE saying why, then close', async () => {
    const cases: [Buffer, RegExp][] = [
      [frameOf(0x7e, Buffer.from('hello')), /Unexpected frame type 126/],
      [frameOf(FRAME_REQUEST, Buffer.from([1, 2])), /too short to hold an id/],
      [frameOf(FRAME_CANCEL, Buffer.from([1, 2, 3, 4, 5])), /Malformed cancel/],
      [frameOf(FRAME_POLL, Buffer.from([1])), /Malformed poll frame/],
      [Buffer.from([0xff, 0xff, 0xff, 0xfe, FRAME_REQUEST]), /over the limit/],
      [Buffer.from([0, 0, 0, 0]), /length 0/],
    ];
    for (const [bytes, why] of cases) {
      const peer = await rawPeer(server.endpoint, true);
      peer.socket.write(bytes);
      await peer.closed;
      const goodbye = peer.frames.find((f) => f.type === FRAME_GOODBYE);
      assert.ok(goodbye !== undefined, `a GOODBYE for ${why}`);
      assert.match(goodbye.payload.toString(), why);
    }
    await stillServes();
  });

  test('a POLL frame, at any point and any number of times, is taken silently and the session goes on', async () => {
    const peer = await rawPeer(server.endpoint, true);
    peer.socket.write(encodeRaw(FRAME_POLL));
    peer.socket.write(encodeRequest(1, 0, 'echo', ['first'], undefined, MAX));
    peer.socket.write(Buffer.concat([encodeRaw(FRAME_POLL), encodeRaw(FRAME_POLL)]));
    peer.socket.write(encodeRequest(2, 0, 'echo', ['second'], undefined, MAX));
    const second = await peer.frame((f) => f.type === FRAME_REPLY && readReplyHead(f.payload).id === 2);
    assert.equal(deserializeBody(readReplyHead(second.payload).body, 'reply'), 'second');
    assert.deepEqual(
      peer.frames.map((f) => [f.type, readReplyHead(f.payload).id, readReplyHead(f.payload).status]),
      [
        [FRAME_REPLY, 1, REPLY_OK],
        [FRAME_REPLY, 2, REPLY_OK],
      ],
    );
    peer.socket.destroy();
  });

  test('random bytes after authenticating get a GOODBYE or an error reply, and the connection closed', async () => {
    const random = seededRandom(4);
    for (let i = 0; i < 40; i++) {
      const peer = await rawPeer(server.endpoint, true);
      peer.socket.end(randomBytes(random, 1 + Math.floor(random() * 3000)));
      await peer.closed;
      for (const frame of peer.frames) assert.ok(frame.type === FRAME_REPLY || frame.type === FRAME_GOODBYE);
    }
    await stillServes();
  });

  test('a frame cut short by the peer closing leaves nothing behind: the session is closed', async () => {
    const closed = host.closedSessions.length;
    const peer = await rawPeer(server.endpoint, true);
    const frame = encodeRequest(1, 0, 'echo', ['cut'], undefined, MAX);
    peer.socket.end(frame.subarray(0, frame.length - 3));
    await peer.closed;
    await host.whenClosed(closed + 1);
    await stillServes();
  });

  test('thousands of seeded mutations of a valid request: only well-formed answers, every connection closed', async () => {
    const random = seededRandom(3);
    const valid = encodeRequest(
      7,
      0,
      'echo',
      [{ list: [1, 2, 3], map: new Map([[1, 'x']]), when: new Date(0), text: 'hello', big: 5n }],
      undefined,
      MAX,
    );
    const mutate = (): Buffer => {
      const bytes = Buffer.from(valid);
      const edits = 1 + Math.floor(random() * 4);
      let out = bytes;
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * out.length);
        switch (Math.floor(random() * 6)) {
          case 0:
            out[at] = out[at]! ^ (1 << Math.floor(random() * 8));
            break;
          case 1:
            out[at] = Math.floor(random() * 256);
            break;
          case 2:
            out = out.subarray(0, at);
            break;
          case 3:
            out = Buffer.concat([
              out.subarray(0, at),
              randomBytes(random, 1 + Math.floor(random() * 8)),
              out.subarray(at),
            ]);
            break;
          case 4:
            out = Buffer.concat([
              out.subarray(0, at),
              out.subarray(Math.min(out.length, at + 1 + Math.floor(random() * 8))),
            ]);
            break;
          default:
            // A length prefix that lies, by a little.
            if (out.length >= 4)
              out.writeUInt32BE(Math.max(0, out.length - 4 + Math.floor(random() * 40) - 20), 0);
        }
      }
      return out;
    };
    const deadline = performance.now() + 8_000;
    let mutations = 0;
    let connections = 0;
    const sessionsBefore = host.closedSessions.length;
    while (mutations < 3_000 && performance.now() < deadline) {
      const peer = await rawPeer(server.endpoint, true);
      connections++;
      const batch: Buffer[] = [];
      for (let i = 0; i < 50; i++, mutations++) {
        batch.push(mutate(), encodeRequest(1_000_000 + i, 0, 'echo', [i], undefined, MAX));
      }
      peer.socket.end(Buffer.concat(batch));
      await peer.closed;
      for (const frame of peer.frames) {
        assert.ok(frame.type === FRAME_REPLY || frame.type === FRAME_GOODBYE, `frame type ${frame.type}`);
        if (frame.type === FRAME_REPLY) readReplyHead(frame.payload); // well-formed
      }
    }
    assert.ok(mutations >= 500, `only ${mutations} mutations ran`);
    await host.whenClosed(sessionsBefore + connections);
    assert.equal(server.sessionCount, 1, 'only the real client is left');
    await stillServes();
  });
});

describe('a broken server', () => {
  test("garbage from a server fails the client's calls with ManagerUnavailableError or ProtocolError, never a crash", async () => {
    const authkey = newAuthkey();
    const answers: Buffer[][] = [
      [encodeReply(999, REPLY_OK, 'not asked for', MAX)],
      [frameOf(0x55, Buffer.from('?'))],
      [frameOf(FRAME_REPLY, Buffer.from([0, 0, 0, 1, 9]))],
    ];
    let next = 0;
    const fake = createServer((socket) => {
      const script = answers[next++]!;
      const handshake = new ServerHandshake(authkeyBytes(authkey));
      const decoder = new FrameDecoder(1 << 20);
      let authenticated = false;
      socket.on('error', () => undefined);
      socket.write(handshake.start());
      socket.on('data', (chunk: Buffer) => {
        decoder.push(chunk);
        for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) {
          if (authenticated) {
            if (frame.type === FRAME_POLL) continue; // a hint from the Connection, not a call to answer
            for (const bytes of script) socket.write(bytes);
            continue;
          }
          const step = handshake.receive(frame);
          for (const bytes of step.send) socket.write(bytes);
          authenticated = step.done;
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const { port } = fake.address() as { port: number };
    for (let i = 0; i < answers.length; i++) {
      const c = await connect({ address: { host: '127.0.0.1', port }, authkey });
      await assert.rejects(c.call(0, 'echo', [i]), ManagerUnavailableError);
      await assert.rejects(c.call(0, 'echo', [i]), ManagerUnavailableError);
    }
    fake.close();
  });

  test('a reply body that does not deserialize fails that call alone with ProtocolError', async () => {
    const authkey = newAuthkey();
    const fake = createServer((socket) => {
      const handshake = new ServerHandshake(authkeyBytes(authkey));
      const decoder = new FrameDecoder(1 << 20);
      let authenticated = false;
      socket.on('error', () => undefined);
      socket.write(handshake.start());
      socket.on('data', (chunk: Buffer) => {
        decoder.push(chunk);
        for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) {
          if (!authenticated) {
            const step = handshake.receive(frame);
            for (const bytes of step.send) socket.write(bytes);
            authenticated = step.done;
            continue;
          }
          if (frame.type === FRAME_POLL) continue; // a Connection's first frame: a hint, not a request
          const id = frame.payload.readUInt32BE(0);
          // The first call gets a garbage body; the next an honest answer.
          const payload = Buffer.concat([
            Buffer.from([0, 0, 0, 0, REPLY_OK]),
            Buffer.from([0xff, 0x0f, 0x5c]),
          ]);
          payload.writeUInt32BE(id, 0);
          socket.write(id === 1 ? frameOf(FRAME_REPLY, payload) : encodeReply(id, REPLY_OK, 'honest', MAX));
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const { port } = fake.address() as { port: number };
    const c = await connect({ address: { host: '127.0.0.1', port }, authkey });
    await assert.rejects(c.call(0, 'echo', [1]), ProtocolError);
    assert.equal(await c.call(0, 'echo', [2]), 'honest');
    c.close();
    fake.close();
  });
});

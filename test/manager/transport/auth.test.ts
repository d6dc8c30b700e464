// The mutual HMAC handshake, driven frame by frame: both sides must prove the key; the key never travels.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthenticationError, InvalidArgumentError, ProtocolError } from '../../../src/errors.ts';
import { ClientHandshake, ServerHandshake, authkeyBytes, newAuthkey } from '../../../src/manager/auth.ts';
import type { HandshakeStep } from '../../../src/manager/auth.ts';
import { FRAME_REFUSED, FrameDecoder } from '../../../src/manager/wire.ts';
import type { Frame } from '../../../src/manager/wire.ts';

function frameOf(bytes: Buffer): Frame {
  const decoder = new FrameDecoder(1024);
  decoder.push(bytes);
  return decoder.next()!;
}

/** Runs both halves against each other; returns each side's last step and every byte that crossed. */
function run(serverKey: Buffer, clientKey: Buffer) {
  const server = new ServerHandshake(serverKey);
  const client = new ClientHandshake(clientKey);
  const wire: Buffer[] = [];
  let toClient: readonly Buffer[] = [server.start()];
  let serverStep: HandshakeStep | undefined;
  let clientStep: HandshakeStep | undefined;
  for (let round = 0; round < 4 && toClient.length > 0; round++) {
    wire.push(...toClient);
    clientStep = client.receive(frameOf(toClient[0]!));
    if (clientStep.error !== undefined || clientStep.send.length === 0) break;
    wire.push(...clientStep.send);
    serverStep = server.receive(frameOf(clientStep.send[0]!));
    if (serverStep.error !== undefined) {
      wire.push(...serverStep.send);
      // The client reads the REFUSED frame the server sends before closing.
      if (serverStep.send.length > 0) clientStep = client.receive(frameOf(serverStep.send[0]!));
      break;
    }
    if (serverStep.done) break;
    toClient = serverStep.send;
  }
  return { serverStep, clientStep, wire: Buffer.concat(wire) };
}

describe('handshake', () => {
  test('the same key on both sides: both complete, and the key is nowhere in the bytes exchanged', () => {
    const key = authkeyBytes(newAuthkey());
    const { serverStep, clientStep, wire } = run(key, key);
    assert.equal(serverStep?.done, true);
    assert.equal(clientStep?.done, true);
    assert.equal(wire.includes(key), false);
    assert.equal(wire.includes(Buffer.from(key.toString('hex'))), false);
  });

  test('a client with the wrong key is refused: AuthenticationError on both sides, REFUSED on the wire', () => {
    const { serverStep, clientStep } = run(authkeyBytes(newAuthkey()), authkeyBytes(newAuthkey()));
    assert.ok(serverStep?.error instanceof AuthenticationError);
    assert.equal(serverStep.send.length, 1);
    assert.equal(frameOf(serverStep.send[0]!).type, FRAME_REFUSED);
    assert.ok(clientStep?.error instanceof AuthenticationError);
    assert.match(clientStep.error.message, /refused this client's auth key/);
  });

  test('a server that cannot prove the key is refused by the client', () => {
    const key = authkeyBytes(newAuthkey());
    const server = new ServerHandshake(key);
    const client = new ClientHandshake(key);
    const proof = client.receive(frameOf(server.start()));
    const welcome = server.receive(frameOf(proof.send[0]!));
    const challenge = client.receive(frameOf(welcome.send[0]!));
    // An impostor that got this far (say, by relaying) cannot answer the client's fresh challenge.
    const fake = frameOf(Buffer.concat([Buffer.from([0, 0, 0, 33, 2]), Buffer.alloc(32, 9)]));
    const verdict = client.receive(fake);
    assert.ok(challenge.send.length === 1);
    assert.ok(verdict.error instanceof AuthenticationError);
    assert.match(verdict.error.message, /did not prove it holds the auth key/);
    assert.equal(frameOf(verdict.send[0]!).type, FRAME_REFUSED);
  });

  test('out-of-order or malformed frames fail with ProtocolError, never a throw', () => {
    const key = authkeyBytes(newAuthkey());
    const server = new ServerHandshake(key);
    server.start();
    const step = server.receive({ type: 0x10, payload: Buffer.alloc(8) });
    assert.ok(step.error instanceof ProtocolError);
    const client = new ClientHandshake(key);
    const bad = client.receive({ type: 0x01, payload: Buffer.from('HTTP/1.1 200 OK') });
    assert.ok(bad.error instanceof ProtocolError);
    assert.match(bad.error.message, /does not speak the Spindle manager protocol/);
  });

  test('auth keys must be whole-byte hex', () => {
    for (const bad of ['', 'abc', 'zz', 42]) {
      assert.throws(() => authkeyBytes(bad as string), InvalidArgumentError);
    }
    assert.equal(authkeyBytes('00ff').length, 2);
    assert.equal(newAuthkey().length, 64);
  });
});

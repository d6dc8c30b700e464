/**
 * Entry point of a manager server process (see server-process.ts): waits for its config over IPC, serves, says
 * where, and exits when told to or when its parent goes away (the IPC channel closes).
 */
import { encodeError } from '../backends/common/remote-error.ts';
import type { ServerProcessConfig, ServerProcessMessage } from './server-process.ts';
import type { ManagerServer } from './server.ts';
import { startServer } from './server.ts';
import type { ObjectHost } from './types.ts';

process.title = 'spindle-manager';
let server: ManagerServer | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Sessions are closed (their holdings released) before the process goes; the objects' timers must not keep
  // it alive after that.
  await server?.close();
  process.exit(0);
}

function send(message: ServerProcessMessage): void {
  process.send?.(message);
}

async function serve(config: ServerProcessConfig): Promise<void> {
  try {
    const { createObjectHost } = (
      config.hostModule === undefined ? await import('./objects/host.ts') : await import(config.hostModule)
    ) as { createObjectHost(): ObjectHost };
    server = await startServer({
      host: createObjectHost(),
      ...(config.address === undefined ? {} : { address: config.address }),
      authkey: config.authkey,
      maxFrameBytes: config.maxFrameBytes,
      handshakeTimeout: config.handshakeTimeout,
      onError: (error) => console.error('spindle manager:', error),
    });
    if (stopping) {
      await server.close();
      return;
    }
    send({ type: 'ready', endpoint: server.endpoint });
  } catch (error) {
    send({ type: 'failed', error: encodeError(error) });
    process.exit(1);
  }
}

process.on('message', (message: ServerProcessConfig | { readonly type: 'shutdown' }) => {
  if (message?.type === 'config') void serve(message);
  else if (message?.type === 'shutdown') void stop();
});
process.on('disconnect', () => void stop());

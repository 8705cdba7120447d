/**
 * A refused upgrade: the simulator's client lets go of the socket at once.
 * It used to read the refusal's body and keep the socket; when the server then
 * reset it, the reset arrived on a socket nobody listened to for errors and
 * crashed the load generator (seen in bench:scale at 2,500 sessions).
 */
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AudioHookClient } from '../../src/simulate/index.js';

describe('simulator client, refused upgrade', () => {
  it('rejects with the status and closes the socket itself', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => {
      sockets.push(s);
      // A whole response, and the server keeps the connection: only the client can end it.
      s.once('data', () => s.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\nUnauthorized'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as { port: number };
      const client = new AudioHookClient({ url: `ws://127.0.0.1:${port}/`, apiKey: 'k', orgId: '7a3e1c2b-0d4f-4e5a-9b6c-1d2e3f4a5b6c' });
      await expect(client.connect()).rejects.toThrow('upgrade refused: HTTP 401');
      expect(client.httpStatus).toBe(401);
      const s = sockets[0]!;
      if (!s.closed) await once(s, 'close');
      expect(s.closed).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  }, 5000);
});

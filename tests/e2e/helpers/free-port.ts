import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago: the OS picks one for a throwaway server, which closes
 * before the port is returned. A child process told `PORT=0` would not say which port it got, so
 * e2e tests choose it themselves (a small race with other processes, acceptable in tests).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port assigned'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

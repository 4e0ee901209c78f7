import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** null when Redis answers at TEST_REDIS_URL; else why the `what` tests are skipped. */
export async function redisUnavailable(what: string): Promise<string | null> {
  const probe = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (err) {
    return `${what} skipped: no Redis at ${TEST_REDIS_URL} (${(err as Error).message}); set TEST_REDIS_URL to run them.`;
  } finally {
    probe.disconnect();
  }
}

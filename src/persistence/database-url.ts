import { resolve } from 'node:path';

export type DatabaseProvider = 'sqlite' | 'postgresql';

export function providerOf(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgresql';
  if (url.startsWith('file:') || url === ':memory:') return 'sqlite';
  throw new Error(
    `Unsupported DATABASE_URL "${url.replace(/\/\/[^@]*@/, '//***@')}": use file:./path.db (SQLite) or postgresql://...`,
  );
}

/** SQLite file path of a `file:` URL, resolved against the working directory. */
export function sqlitePath(url: string): string {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  const path = url.replace(/^file:/, '').replace(/\?.*$/, '');
  return resolve(path);
}

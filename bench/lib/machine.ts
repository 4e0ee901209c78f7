import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** Where the repository is (bench/lib/ -> ..). */
export const ROOT = join(import.meta.dirname, '..', '..');

/** The packages whose versions a reader needs to reproduce the figures. */
const PACKAGES = [
  '@langchain/langgraph',
  '@langchain/langgraph-checkpoint-sqlite',
  '@langchain/core',
  'prisma',
  '@prisma/client',
  'better-sqlite3',
  'pg',
  'graphql-yoga',
  'graphql-ws',
  'ws',
];

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the bench started and ended: > cores means a busy machine. */
  loadAverage: { start: number; end?: number };
  packages: Record<string, string>;
  commit: string;
}

function packageVersion(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src').length > 0;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: { start: loadavg()[0]! },
    packages: Object.fromEntries(PACKAGES.map((p) => [p, packageVersion(p)])),
    commit: gitCommit(),
  };
}

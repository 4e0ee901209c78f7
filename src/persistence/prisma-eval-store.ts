import type {
  EvalCase,
  EvalResult,
  EvalRunRecord,
  EvalSetRecord,
  EvalStatus,
  EvalStore,
} from '../evals/ports.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './errors.js';

type SetRow = Omit<EvalSetRecord, 'cases'> & { cases: unknown };
type RunRow = Omit<EvalRunRecord, 'results' | 'status'> & { results: unknown; status: string };

const toSet = (r: SetRow): EvalSetRecord => ({ ...r, cases: r.cases as EvalCase[] });
const toRun = (r: RunRow): EvalRunRecord => ({
  ...r,
  status: r.status as EvalStatus,
  results: (r.results ?? null) as EvalResult[] | null,
});

export function createPrismaEvalStore(db: Database): EvalStore {
  const { prisma } = db;
  return {
    async createSet(set) {
      try {
        await prisma.evalSet.create({ data: { ...set, cases: set.cases as never } });
        return true;
      } catch (err) {
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    },
    async getSet(id) {
      const row = await prisma.evalSet.findUnique({ where: { id } });
      return row ? toSet(row) : null;
    },
    async setsOf(graphId) {
      const rows = await prisma.evalSet.findMany({
        where: { graphId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 100,
      });
      return rows.map(toSet);
    },
    async createRun(run) {
      await prisma.evalRun.create({ data: run });
    },
    async getRun(id) {
      const row = await prisma.evalRun.findUnique({ where: { id } });
      return row ? toRun(row) : null;
    },
    async runsOf(evalSetId, take) {
      const rows = await prisma.evalRun.findMany({
        where: { evalSetId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
      });
      return rows.map(toRun);
    },
    async running() {
      return (await prisma.evalRun.findMany({ where: { status: 'RUNNING' } })).map(toRun);
    },
    async finish(id, status, results, meanScore) {
      await prisma.evalRun.update({
        where: { id },
        data: { status, results: results as never, meanScore, finishedAt: new Date() },
      });
    },
  };
}

-- Operations: trace ids on run events; archived graphs and per-graph retention.
ALTER TABLE "RunEvent" ADD COLUMN "traceId" TEXT;
ALTER TABLE "RunEvent" ADD COLUMN "spanId" TEXT;
ALTER TABLE "Graph" ADD COLUMN "archivedAt" TIMESTAMP(3);
ALTER TABLE "Graph" ADD COLUMN "retentionDays" INTEGER;

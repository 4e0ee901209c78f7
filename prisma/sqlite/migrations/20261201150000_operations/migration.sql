-- Operations: trace ids on run events; archived graphs (their names free again), per-graph
-- retention and compacted runs.
ALTER TABLE "RunEvent" ADD COLUMN "traceId" TEXT;
ALTER TABLE "RunEvent" ADD COLUMN "spanId" TEXT;
ALTER TABLE "Run" ADD COLUMN "traceparent" TEXT;
ALTER TABLE "Graph" ADD COLUMN "archivedAt" DATETIME;
ALTER TABLE "Graph" ADD COLUMN "retentionDays" INTEGER;
ALTER TABLE "Run" ADD COLUMN "compactedAt" DATETIME;
CREATE INDEX "Run_finishedAt_idx" ON "Run"("finishedAt");

-- A name is unique among the graphs that are not archived: deleteGraph frees it.
DROP INDEX "Graph_tenantId_name_key";
CREATE UNIQUE INDEX "Graph_tenantId_name_key" ON "Graph"("tenantId", "name") WHERE "archivedAt" IS NULL;

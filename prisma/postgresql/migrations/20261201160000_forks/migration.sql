-- Forks and retries: a run made from another one links to it.
ALTER TABLE "Run" ADD COLUMN "parentRunId" TEXT;
ALTER TABLE "Run" ADD COLUMN "parentSeq" INTEGER;
ALTER TABLE "Run" ADD COLUMN "origin" TEXT;
CREATE INDEX "Run_parentRunId_idx" ON "Run"("parentRunId");

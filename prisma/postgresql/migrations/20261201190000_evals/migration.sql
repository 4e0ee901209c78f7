-- Evals: cases run on graph versions and scored by a scorer graph.

-- CreateTable
CREATE TABLE "EvalSet" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "graphId" TEXT NOT NULL,
    "scorerGraph" TEXT NOT NULL,
    "cases" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvalSet_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "EvalSet_tenantId_name_key" ON "EvalSet"("tenantId", "name");

-- CreateTable
CREATE TABLE "EvalRun" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "evalSetId" TEXT NOT NULL,
    "graphVersion" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "results" JSONB,
    "meanScore" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "EvalRun_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "EvalRun_evalSetId_createdAt_idx" ON "EvalRun"("evalSetId", "createdAt");
CREATE INDEX "EvalRun_status_idx" ON "EvalRun"("status");

-- AddForeignKey
ALTER TABLE "EvalRun" ADD CONSTRAINT "EvalRun_evalSetId_fkey" FOREIGN KEY ("evalSetId") REFERENCES "EvalSet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Remote workers: the tools they serve (kept so graphs validate with no worker connected), the
-- workers, and one task per attempt of a node whose tool runs in a worker.
CREATE TABLE "WorkerTool" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "configSchema" JSONB NOT NULL,
    "inputSchema" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tools" JSONB NOT NULL,
    "slots" INTEGER NOT NULL,
    "connectedTo" TEXT,
    "lastSeenAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "ToolTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "iteration" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "tool" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "config" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "dispatch" INTEGER NOT NULL DEFAULT 0,
    "workerId" TEXT,
    "leaseUntil" DATETIME,
    "result" JSONB,
    "error" JSONB,
    "events" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
CREATE INDEX "Worker_tenantId_idx" ON "Worker"("tenantId");
CREATE INDEX "ToolTask_status_tool_createdAt_idx" ON "ToolTask"("status", "tool", "createdAt");
CREATE INDEX "ToolTask_runId_idx" ON "ToolTask"("runId");
CREATE INDEX "ToolTask_workerId_status_idx" ON "ToolTask"("workerId", "status");

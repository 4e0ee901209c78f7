-- Threads: runs of one conversation, their messages, per-thread and per-tenant memory.

-- CreateTable
CREATE TABLE "Thread" (
    "tenantId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantId", "id")
);
CREATE INDEX "Thread_updatedAt_idx" ON "Thread"("updatedAt");

-- CreateTable
CREATE TABLE "ThreadRun" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "historySeq" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "ThreadRun_tenantId_threadId_createdAt_idx" ON "ThreadRun"("tenantId", "threadId", "createdAt");

-- CreateTable
CREATE TABLE "ThreadMessage" (
    "tenantId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "runId" TEXT,
    "nodeId" TEXT,
    "key" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("tenantId", "threadId", "seq"),
    CONSTRAINT "ThreadMessage_tenantId_threadId_fkey" FOREIGN KEY ("tenantId", "threadId") REFERENCES "Thread" ("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ThreadMessage_tenantId_threadId_key_key" ON "ThreadMessage"("tenantId", "threadId", "key");

-- CreateTable
CREATE TABLE "ThreadMemory" (
    "tenantId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantId", "threadId", "key"),
    CONSTRAINT "ThreadMemory_tenantId_threadId_fkey" FOREIGN KEY ("tenantId", "threadId") REFERENCES "Thread" ("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TenantMemory" (
    "tenantId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("tenantId", "key")
);

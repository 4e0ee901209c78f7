-- Every graph, version and run belongs to a tenant; rows from before tenancy join "default".
ALTER TABLE "Graph" ADD COLUMN "tenantId" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "GraphVersion" ADD COLUMN "tenantId" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "Run" ADD COLUMN "tenantId" TEXT NOT NULL DEFAULT 'default';

-- Graph names are unique per tenant.
DROP INDEX "Graph_name_key";
CREATE UNIQUE INDEX "Graph_tenantId_name_key" ON "Graph"("tenantId", "name");
CREATE INDEX "Run_tenantId_createdAt_idx" ON "Run"("tenantId", "createdAt");

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "name" TEXT,
    "hash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME
);
CREATE INDEX "ApiKey_tenantId_createdAt_idx" ON "ApiKey"("tenantId", "createdAt");

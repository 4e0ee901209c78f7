-- Run control: concurrency keys and held runs, idempotent starts, schedules and webhook triggers.
ALTER TABLE "Run" ADD COLUMN "concurrencyKey" TEXT;
ALTER TABLE "Run" ADD COLUMN "held" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "Run_concurrencyKey_status_idx" ON "Run"("concurrencyKey", "status");

-- CreateTable
CREATE TABLE "RunStartKey" (
    "tenantId" TEXT NOT NULL,
    "graphId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RunStartKey_pkey" PRIMARY KEY ("tenantId","graphId","key")
);
ALTER TABLE "RunStartKey" ADD CONSTRAINT "RunStartKey_graphId_fkey" FOREIGN KEY ("graphId") REFERENCES "Graph"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "RunStartKey_createdAt_idx" ON "RunStartKey"("createdAt");

-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "graphId" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "overlap" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "nextFireAt" TIMESTAMP(3),
    "lastFireAt" TIMESTAMP(3),
    "lastRunId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_graphId_fkey" FOREIGN KEY ("graphId") REFERENCES "Graph"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "Schedule_paused_nextFireAt_idx" ON "Schedule"("paused", "nextFireAt");
CREATE INDEX "Schedule_tenantId_createdAt_idx" ON "Schedule"("tenantId", "createdAt");

-- CreateTable
CREATE TABLE "WebhookTrigger" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "graphId" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "input" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookTrigger_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "WebhookTrigger" ADD CONSTRAINT "WebhookTrigger_graphId_fkey" FOREIGN KEY ("graphId") REFERENCES "Graph"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "WebhookTrigger_tenantId_createdAt_idx" ON "WebhookTrigger"("tenantId", "createdAt");

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "triggerId" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "runId" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("triggerId","deliveryId")
);
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "WebhookTrigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "WebhookDelivery_receivedAt_idx" ON "WebhookDelivery"("receivedAt");

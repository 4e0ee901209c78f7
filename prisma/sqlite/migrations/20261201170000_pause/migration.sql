-- Pause: a paused graph holds its new and queued runs; pauseRun asks the server executing a run to pause it.
ALTER TABLE "Graph" ADD COLUMN "paused" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Run" ADD COLUMN "pauseRequestedAt" DATETIME;

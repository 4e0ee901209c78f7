-- Interrupts: a WAITING run is out of memory; wakeAt says when the orphan scan must take it to
-- time out an interrupt (or the run) although nobody answered.
ALTER TABLE "Run" ADD COLUMN "wakeAt" DATETIME;
CREATE INDEX "Run_status_wakeAt_idx" ON "Run"("status", "wakeAt");
-- Answers to a run's interrupts posted through a server that does not execute the run: its
-- owner takes them at its next heartbeat.
ALTER TABLE "Run" ADD COLUMN "answers" JSONB;

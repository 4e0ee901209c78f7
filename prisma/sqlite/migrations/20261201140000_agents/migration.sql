-- Interrupts: a WAITING run is out of memory; wakeAt says when the orphan scan must take it to
-- time out an interrupt (or the run) although nobody answered.
ALTER TABLE "Run" ADD COLUMN "wakeAt" DATETIME;
CREATE INDEX "Run_status_wakeAt_idx" ON "Run"("status", "wakeAt");

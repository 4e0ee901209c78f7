-- Counts takeovers of a run since its last progress: a run that keeps killing its process fails past RECOVERY_LIMIT.
ALTER TABLE "Run" ADD COLUMN "recoveries" INTEGER NOT NULL DEFAULT 0;

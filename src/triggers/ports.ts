/**
 * The triggers' ports: schedule and webhook storage, with their record types. Adapters in
 * src/persistence implement them; nothing in src/triggers imports an adapter.
 */
import type { State } from '../engine/index.js';

/** What a fire does while the schedule's previous run is still active. */
export type Overlap = 'SKIP' | 'ENQUEUE' | 'CANCEL_PREVIOUS';
export const OVERLAPS: readonly Overlap[] = ['SKIP', 'ENQUEUE', 'CANCEL_PREVIOUS'];

export interface ScheduleRecord {
  id: string;
  tenantId: string;
  graphId: string;
  cron: string;
  /** IANA time zone the cron expression is read in. */
  timezone: string;
  input: State;
  overlap: Overlap;
  paused: boolean;
  /** The next fire to claim; null when the expression has no future fire. */
  nextFireAt: Date | null;
  lastFireAt: Date | null;
  lastRunId: string | null;
  createdAt: Date;
}

export type NewSchedule = Omit<ScheduleRecord, 'createdAt' | 'lastFireAt' | 'lastRunId'>;

/** Port: schedules. A fire is claimed by a conditional update of nextFireAt: once, whoever asks. */
export interface ScheduleStore {
  create(schedule: NewSchedule): Promise<ScheduleRecord>;
  get(id: string): Promise<ScheduleRecord | null>;
  /** Pauses or resumes; null when the schedule does not exist. */
  setPaused(id: string, paused: boolean, nextFireAt: Date | null): Promise<ScheduleRecord | null>;
  delete(id: string): Promise<boolean>;
  /** Unpaused schedules whose nextFireAt is at or before `now`, earliest first. */
  due(now: Date, limit: number): Promise<ScheduleRecord[]>;
  /**
   * Moves nextFireAt from `fireAt` to `next` (and lastFireAt to `fireAt`) if it still is
   * `fireAt` and the schedule is not paused; true for the one caller that did.
   */
  claimFire(id: string, fireAt: Date, next: Date | null): Promise<boolean>;
  /** Gives a claimed fire back (its run could not be started): nextFireAt = fireAt again. */
  unclaimFire(id: string, fireAt: Date, next: Date | null): Promise<void>;
  setLastRun(id: string, runId: string): Promise<void>;
}

export interface WebhookTriggerRecord {
  id: string;
  tenantId: string;
  graphId: string;
  /** The HMAC key. Never returned after creation, logged or put in an event. */
  secret: string;
  /** CEL over the request body (as `state`) giving the run input; null: the body is the input. */
  input: string | null;
  createdAt: Date;
}

/** Port: webhook triggers and the delivery ids they have seen. */
export interface WebhookStore {
  create(trigger: Omit<WebhookTriggerRecord, 'createdAt'>): Promise<WebhookTriggerRecord>;
  get(id: string): Promise<WebhookTriggerRecord | null>;
  delete(id: string): Promise<boolean>;
  /**
   * Records a delivery id (a primary key: concurrent replays cannot both pass); null when it
   * is new, else the run id of the first delivery (null inside when its run is not started yet).
   */
  recordDelivery(
    triggerId: string,
    deliveryId: string,
    at: Date,
  ): Promise<null | { runId: string | null }>;
  setDeliveryRun(triggerId: string, deliveryId: string, runId: string): Promise<void>;
  /** Forgets a delivery whose run could not be started (the sender may retry it). */
  forgetDelivery(triggerId: string, deliveryId: string): Promise<void>;
  /** Deletes deliveries received before `before` (older than any timestamp still accepted). */
  pruneDeliveries(before: Date): Promise<number>;
}

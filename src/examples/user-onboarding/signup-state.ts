import { NonRetryableError } from '../../engine/errors.js';
import type { State } from '../../engine/graph.js';
import { isRecord } from '../../tools/input.js';

/** `state.account` as screen_signup or create_account left it. */
export interface AccountView {
  id: string;
  email: string;
  name: string;
  plan: string;
  status: string;
  /** True: the email was registered by an earlier sign-up (this one made nothing). */
  existing: boolean;
}

/** `state.workspace` as provision_workspace left it. */
export interface WorkspaceView {
  id: string;
  slug: string;
  url: string;
  plan: string;
  storageGb: number;
  seats: number;
}

/** A step that failed for good (`state.failure`): what compensation undoes and reports. */
export interface Failure {
  step: 'workspace' | 'email';
  message: string;
  attempts: number;
}

function read<T>(state: Readonly<State>, key: string, tool: string, fields: string[]): T {
  const value = state[key];
  if (!isRecord(value) || fields.some((f) => value[f] === undefined))
    throw new NonRetryableError(
      `${tool} needs state.${key} with ${fields.join(', ')}: run the node that produces it first`,
    );
  return value as T;
}

export const readAccount = (state: Readonly<State>, tool: string) =>
  read<AccountView>(state, 'account', tool, ['id', 'email', 'name']);

export const readWorkspace = (state: Readonly<State>, tool: string) =>
  read<WorkspaceView>(state, 'workspace', tool, ['id', 'slug', 'url']);

/** `state.workspace` when provisioning got that far, else undefined. */
export function optionalWorkspace(state: Readonly<State>): WorkspaceView | undefined {
  return isRecord(state.workspace) ? (state.workspace as unknown as WorkspaceView) : undefined;
}

/** The message of anything thrown. */
export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

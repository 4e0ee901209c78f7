import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who owns a run: `<instanceId>:<pid>.<random>`. The instance id is stable across restarts
 * (INSTANCE_ID, or derived from the host name); the rest names one boot of it. A process
 * recognises the runs of its instance's previous boots and takes them at once instead of waiting
 * out their lease, but only when it can tell that boot is gone:
 * - a configured INSTANCE_ID is the operator's promise that one process at a time uses it, so
 *   every other boot of it is gone;
 * - a host-derived id is shared by every process on the machine, so the boot's pid must be dead
 *   (or be ours: a container restarted with the same pid). A live pid, even a reused one, is
 *   left to the lease: the safe side.
 */
export interface Instance {
  readonly id: string;
  /** True when INSTANCE_ID was configured (unique per live process by contract). */
  readonly configured: boolean;
  /** This boot's owner value. */
  readonly owner: string;
}

export function createInstance(configured?: string): Instance {
  const id = configured || `host-${hostname()}`;
  if (id.includes(':')) throw new Error(`INSTANCE_ID must not contain ":", got "${id}".`);
  return {
    id,
    configured: Boolean(configured),
    owner: `${id}:${process.pid}.${randomUUID().slice(0, 8)}`,
  };
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Of these owners, the previous boots of `instance` that are provably gone. */
export function deadBoots(instance: Instance, owners: readonly string[]): string[] {
  const prefix = `${instance.id}:`;
  return owners.filter((owner) => {
    if (owner === instance.owner || !owner.startsWith(prefix)) return false;
    if (instance.configured) return true;
    const pid = Number(owner.slice(prefix.length).split('.')[0]);
    return Number.isInteger(pid) && pid > 0 && !pidAlive(pid);
  });
}

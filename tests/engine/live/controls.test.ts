import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { executeRun, type RunControls } from '../../../src/engine/live/executor.js';
import { cancellable, compileScenario, timeline } from '../../fixtures/scenarios.js';

/** A controls slot, as the run pool keeps one per executing run. */
function slot() {
  const s: { run?: RunControls; attach(run: RunControls): void } = {
    attach(run) {
      s.run = run;
    },
  };
  return s;
}

describe('executeRun: controls (cancel and pause without AbortSignals)', () => {
  it('attaches the run as it begins; cancel records its reason like an aborted signal', async () => {
    const s = cancellable();
    const controls = slot();
    const events: RunEvent[] = [];
    const sink = {
      emit(e: RunEvent) {
        events.push(e);
        if (e.type === 'NODE_STARTED' && e.nodeId === 'blockB') controls.run?.cancel('stop please');
      },
    };
    const result = await executeRun({ runId: 'r', graph: compileScenario(s), sink, controls });
    expect(result).toEqual({ status: 'CANCELLED', state: {}, lastSeq: 8 });
    expect(timeline(events).slice(-3)).toEqual([
      'NODE_SKIPPED blockA cancelled',
      'NODE_SKIPPED blockB cancelled',
      'RUN_CANCELLED',
    ]);
    expect(events.at(-1)).toMatchObject({ data: { reason: 'stop please' } });
  });

  it('pauses at the next node boundary, as the pause signal would', async () => {
    const s = cancellable();
    const controls = slot();
    const events: RunEvent[] = [];
    const sink = {
      emit(e: RunEvent) {
        events.push(e);
        if (e.type === 'NODE_SUCCEEDED' && e.nodeId === 'start') controls.run?.pause('user');
      },
    };
    const result = await executeRun({ runId: 'r', graph: compileScenario(s), sink, controls });
    expect(result.status).toBe('PAUSED');
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED start#1',
      'NODE_SUCCEEDED start#1',
      'RUN_PAUSED',
    ]);
  });

  it('is never attached for a log that has ended already', async () => {
    const s = cancellable();
    const controls = slot();
    const ended: RunEvent[] = [];
    await executeRun({
      runId: 'r',
      graph: compileScenario(s),
      sink: { emit: (e: RunEvent) => void ended.push(e) },
      controls: slot(),
      signal: AbortSignal.abort('done'),
    });
    const result = await executeRun({
      runId: 'r',
      graph: compileScenario(s),
      sink: { emit() {} },
      history: ended,
      controls,
    });
    expect(result.status).toBe('CANCELLED');
    expect(controls.run).toBeUndefined();
  });
});

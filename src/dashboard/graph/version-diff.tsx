import { useState } from 'react';
import { diffLines, stableJson } from './diff.js';

interface Version {
  version: number;
  definition: unknown;
}

/** Two versions of a graph side by side as a line diff of their definitions. */
export function VersionDiff({ versions }: { versions: Version[] }) {
  const sorted = [...versions].sort((x, y) => x.version - y.version);
  const latest = sorted.at(-1)?.version ?? 1;
  const [from, setFrom] = useState(Math.max(1, latest - 1));
  const [to, setTo] = useState(latest);
  if (sorted.length < 2)
    return <p className="muted">One version only: save the graph again to compare.</p>;
  const def = (v: number) => sorted.find((s) => s.version === v)?.definition ?? {};
  const lines = diffLines(stableJson(def(from)), stableJson(def(to)));
  const changed = lines.filter((l) => l.kind !== 'same').length;
  const picker = (value: number, set: (v: number) => void, label: string) => (
    <label>
      {label}{' '}
      <select
        value={value}
        onChange={(e) => set(Number(e.target.value))}
        aria-label={`${label} version`}
      >
        {sorted.map((s) => (
          <option key={s.version} value={s.version}>
            v{s.version}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="version-diff" data-testid="version-diff">
      <div className="row">
        {picker(from, setFrom, 'from')} {picker(to, setTo, 'to')}
        <span className="muted">
          {changed === 0 ? 'no difference' : `${changed} changed lines`}
        </span>
      </div>
      <pre className="diff">
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines have no identity but their place
          <div key={i} className={`diff-${l.kind}`}>
            {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
            {l.text}
          </div>
        ))}
      </pre>
    </div>
  );
}

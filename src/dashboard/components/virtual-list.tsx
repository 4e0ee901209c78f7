import { type ReactNode, useEffect, useRef, useState } from 'react';

interface Props {
  count: number;
  rowHeight: number;
  height: number;
  renderRow: (index: number) => ReactNode;
  /** Called with the visible index range (to load what is missing there). */
  onRange?: (first: number, last: number) => void;
  /** Keep the view at the end while new rows arrive, as long as the user is there. */
  follow?: boolean;
  testId?: string;
}

/** Renders only the rows in view (fixed row height): a 10,000-event log costs ~40 DOM rows. */
export function VirtualList({
  count,
  rowHeight,
  height,
  renderRow,
  onRange,
  follow,
  testId,
}: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const atEnd = useRef(true);
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const last = Math.min(count - 1, Math.ceil((top + height) / rowHeight) + 5);

  useEffect(() => {
    if (count > 0) onRange?.(first, last);
  }, [first, last, count, onRange]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when rows arrive (count)
  useEffect(() => {
    const el = box.current;
    if (follow && atEnd.current && el) el.scrollTop = el.scrollHeight;
  }, [count, follow]);

  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++)
    rows.push(
      <div key={i} className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>
        {renderRow(i)}
      </div>,
    );
  return (
    <div
      ref={box}
      className="vlist"
      style={{ height }}
      data-testid={testId}
      onScroll={(e) => {
        const el = e.currentTarget;
        setTop(el.scrollTop);
        atEnd.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
      }}
    >
      <div style={{ height: count * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}

import { useRef } from 'react';

export interface LineIssue {
  line: number;
  path: string;
  code: string;
  message: string;
}

/**
 * A JSON textarea with a line gutter: lines with issues are marked, and each issue is shown
 * under the editor at its line and path (clicking it selects the line).
 */
export function JsonEditor({
  text,
  onChange,
  issues,
}: {
  text: string;
  onChange: (t: string) => void;
  issues: LineIssue[];
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineNumbers = Array.from({ length: text.split('\n').length }, (_, n) => n + 1);
  const bad = new Map<number, string>();
  for (const i of issues)
    bad.set(i.line, `${bad.has(i.line) ? `${bad.get(i.line)}\n` : ''}${i.message}`);
  const goTo = (line: number) => {
    const el = area.current;
    if (!el) return;
    const lines = text.split('\n');
    const start = lines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    el.scrollTop = (line - 3) * 18;
  };
  return (
    <div className="json-editor">
      <div className="editor-box">
        <div className="gutter" ref={gutter} aria-hidden>
          {lineNumbers.map((line) => (
            <div
              key={line}
              className={bad.has(line) ? 'bad' : ''}
              title={bad.get(line)}
              data-testid={bad.has(line) ? 'bad-line' : undefined}
            >
              {line}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          aria-label="graph definition (JSON)"
          data-testid="graph-json"
          spellCheck={false}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      <ul className="issues" data-testid="issues">
        {issues.map((i) => (
          <li key={`${i.path}:${i.code}:${i.message}`} data-testid="issue" data-path={i.path}>
            <button type="button" className="link" onClick={() => goTo(i.line)}>
              line {i.line}
            </button>{' '}
            <code>{i.path}</code> <span className="badge status-failed">{i.code}</span> {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

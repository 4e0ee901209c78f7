import type { Problem } from '../api/problems.js';

/** An API error shown inline: its code and message, and each problem of a BAD_USER_INPUT. */
export function ProblemView({ problem, testId }: { problem: Problem; testId?: string }) {
  return (
    <div className="problem error" role="alert" data-testid={testId} data-code={problem.code ?? ''}>
      <p>
        {problem.code && <code>{problem.code}</code>} {problem.message}
      </p>
      {problem.problems.length > 0 && (
        <ul>
          {problem.problems.map((p) => (
            <li key={p} data-testid="problem">
              {p}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

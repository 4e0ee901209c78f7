/** JSON, pretty-printed and capped so a huge state cannot freeze the page. */
export function JsonView({
  value,
  max = 20_000,
  testId,
}: {
  value: unknown;
  max?: number;
  testId?: string;
}) {
  let text = JSON.stringify(value, null, 2) ?? 'undefined';
  if (text.length > max) text = `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
  return (
    <pre className="json" data-testid={testId}>
      {text}
    </pre>
  );
}

import { useState } from 'react';

/** Asked when the API answers UNAUTHENTICATED: an API key (aef_...) or a token. */
export function AuthPrompt({
  hadCredential,
  onSubmit,
}: {
  hadCredential: boolean;
  onSubmit: (value: string) => void;
}) {
  const [value, setValue] = useState('');
  return (
    <form
      className="card auth-prompt"
      data-testid="auth-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onSubmit(value.trim());
      }}
    >
      <h2>Sign in</h2>
      <p>
        {hadCredential
          ? 'The server refused the key or token this browser holds.'
          : 'This server requires authentication.'}{' '}
        Paste an API key (<code>npm run apikey -- create …</code>) or a token; it is kept in this
        browser and sent as <code>Authorization: Bearer</code>.
      </p>
      <label htmlFor="credential">API key or token</label>
      <input
        id="credential"
        name="credential"
        type="password"
        autoComplete="off"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit">Continue</button>
    </form>
  );
}

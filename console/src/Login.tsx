import { useState, type FormEvent } from 'react';
import { Button, Form, Input, Label, TextField } from 'react-aria-components';
import { api, type Me } from './api.js';

export function Login({ onLogin }: { onLogin: (me: Me) => void }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      onLogin(await api.login(String(data.get('username') ?? ''), String(data.get('password') ?? '')));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <h1>Hookline console</h1>
      <Form onSubmit={submit} aria-label="Log in">
        <TextField name="username" isRequired autoComplete="username">
          <Label>Username</Label>
          <Input />
        </TextField>
        <TextField name="password" type="password" isRequired autoComplete="current-password">
          <Label>Password</Label>
          <Input />
        </TextField>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <Button type="submit" isDisabled={busy}>
          Log in
        </Button>
      </Form>
    </main>
  );
}

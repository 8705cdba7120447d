/**
 * The console: the login page until a session exists, then the shell with
 * its pages. Pages are chosen by the URL's hash (#/tenants), so the server
 * serves one index.html and needs no route per page.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, HttpError, type Me } from './api.js';
import { Login } from './Login.js';
import { Shell } from './Shell.js';

type State = { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'in'; me: Me } | { kind: 'error'; message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    api.me().then(
      (me) => setState({ kind: 'in', me }),
      (err: unknown) => setState(err instanceof HttpError && err.status === 401 ? { kind: 'anonymous' } : { kind: 'error', message: String(err) }),
    );
  }, []);
  const logout = useCallback(async (csrf: string) => {
    await api.logout(csrf);
    setState({ kind: 'anonymous' });
  }, []);
  switch (state.kind) {
    case 'loading':
      return <p role="status">Loading…</p>;
    case 'error':
      return <p role="alert">The console could not reach its server: {state.message}</p>;
    case 'anonymous':
      return <Login onLogin={(me) => setState({ kind: 'in', me })} />;
    case 'in':
      return <Shell me={state.me} onLogout={() => logout(state.me.csrfToken)} />;
  }
}

/**
 * The frame every page sits in: the page list (issue 13's pages; those not
 * built yet say so), who is logged in, and logout.
 */
import { useEffect, useState } from 'react';
import { Button, Link } from 'react-aria-components';
import type { Me } from './api.js';
import { Events } from './Events.js';
import { Ingest } from './Ingest.js';
import { Tenants } from './Tenants.js';

export const PAGES = [
  { id: 'tenants', title: 'Tenants' },
  { id: 'live', title: 'Live' },
  { id: 'notifications', title: 'Notifications' },
  { id: 'ingest', title: 'Ingest' },
  { id: 'conversations', title: 'Conversations' },
  { id: 'events', title: 'Events' },
] as const;

type PageId = (typeof PAGES)[number]['id'];

function currentPage(): PageId {
  const id = window.location.hash.replace(/^#\//, '');
  return PAGES.find((p) => p.id === id)?.id ?? 'tenants';
}

export function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const [page, setPage] = useState<PageId>(currentPage);
  useEffect(() => {
    const onHash = () => setPage(currentPage());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const title = PAGES.find((p) => p.id === page)?.title ?? '';
  useEffect(() => {
    document.title = `${title} · Hookline console`;
  }, [title]);
  return (
    <div className="shell">
      <header>
        <span className="brand">Hookline</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.id}>
                <Link href={`#/${p.id}`} aria-current={p.id === page ? 'page' : undefined}>
                  {p.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">{me.user.username}</span>
        <Button onPress={onLogout}>Log out</Button>
      </header>
      <main>
        <h1>{title}</h1>
        {page === 'tenants' ? <Tenants /> : page === 'events' ? <Events me={me} /> : page === 'ingest' ? <Ingest me={me} /> : <p>This page is not built yet.</p>}
      </main>
    </div>
  );
}

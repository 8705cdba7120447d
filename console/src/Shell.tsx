/**
 * The frame every page sits in: the page list (issue 13's pages; those not
 * built yet say so), who is logged in, and logout.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Button, Link } from 'react-aria-components';
import type { Me } from './api.js';
import { Conversations } from './Conversations.js';
import { Events } from './Events.js';
import { Ingest } from './Ingest.js';
import { Live } from './Live.js';
import { Notifications } from './Notifications.js';
import { Tenants } from './Tenants.js';

type PageView = (props: { me: Me }) => ReactNode;

/** Each page: its hash id, its title, and its view (undefined: not built yet). One line per page. */
export const PAGES: readonly { id: string; title: string; view?: PageView }[] = [
  { id: 'tenants', title: 'Tenants', view: ({ me }) => <Tenants me={me} /> },
  { id: 'live', title: 'Live', view: ({ me }) => <Live me={me} /> },
  { id: 'notifications', title: 'Notifications', view: ({ me }) => <Notifications me={me} /> },
  { id: 'ingest', title: 'Ingest', view: ({ me }) => <Ingest me={me} /> },
  { id: 'conversations', title: 'Conversations', view: ({ me }) => <Conversations me={me} /> },
  { id: 'events', title: 'Events', view: ({ me }) => <Events me={me} /> },
];

type PageId = string;

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
  const current = PAGES.find((p) => p.id === page);
  const title = current?.title ?? '';
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
        {current?.view ? current.view({ me }) : <p>This page is not built yet.</p>}
      </main>
    </div>
  );
}

/**
 * Tenants: the user's tenants (name, org id, admission, AudioHook key count, role); "Open" shows one
 * tenant's settings and AudioHook keys, editable by its admins (TenantSettings.tsx, TenantKeys.tsx).
 */
import { useEffect, useState } from 'react';
import { Button, Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { api, type Me, type TenantRow } from './api.js';
import { TenantKeys } from './TenantKeys.js';
import { TenantSettingsForm } from './TenantSettings.js';

export function Tenants({ me }: { me: Me }) {
  const [rows, setRows] = useState<TenantRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [open, setOpen] = useState<TenantRow | undefined>();
  useEffect(() => {
    if (open) return;
    api.tenants().then(
      (r) => setRows(r.items),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [open]);
  if (open) return <TenantDetail row={open} me={me} back={() => setOpen(undefined)} />;
  if (error) return <p role="alert">Could not load the tenants: {error}</p>;
  if (!rows) return <p role="status">Loading…</p>;
  if (rows.length === 0) return <p>You have no role on any tenant.</p>;
  return (
    <Table aria-label="Tenants">
      <TableHeader>
        <Column isRowHeader>Name</Column>
        <Column>Organization id</Column>
        <Column>Admission</Column>
        <Column>API keys</Column>
        <Column>Your role</Column>
        <Column>Details</Column>
      </TableHeader>
      <TableBody items={rows}>
        {(t) => (
          <Row id={t.orgId}>
            <Cell>{t.name}</Cell>
            <Cell>
              <code>{t.orgId}</code>
            </Cell>
            <Cell>{t.admission}</Cell>
            <Cell>{t.keyCount}</Cell>
            <Cell>{t.role}</Cell>
            <Cell>
              <Button aria-label={`Open ${t.name}`} onPress={() => setOpen(t)}>
                Open
              </Button>
            </Cell>
          </Row>
        )}
      </TableBody>
    </Table>
  );
}

function TenantDetail({ row, me, back }: { row: TenantRow; me: Me; back: () => void }) {
  const admin = row.role === 'admin';
  return (
    <div className="tenant-detail">
      <div className="toolbar">
        <Button onPress={back}>← All tenants</Button>
        <h2>{row.name}</h2>
        <code>{row.orgId}</code>
        {admin ? null : <span className="badge">read-only (viewer)</span>}
      </div>
      <TenantSettingsForm tenant={row.orgId} admin={admin} csrf={me.csrfToken} />
      <TenantKeys tenant={row.orgId} admin={admin} csrf={me.csrfToken} />
    </div>
  );
}

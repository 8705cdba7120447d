/** The user's tenants, read-only: name, org id, admission mode, AudioHook key count, the user's role. */
import { useEffect, useState } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { api, type TenantRow } from './api.js';

export function Tenants() {
  const [rows, setRows] = useState<TenantRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.tenants().then(
      (r) => setRows(r.items),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, []);
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
          </Row>
        )}
      </TableBody>
    </Table>
  );
}

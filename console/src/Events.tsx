/**
 * Events: the tenant's webhook deliveries (GET /api/v1/webhooks/deliveries),
 * latest attempt first, with Redeliver for admins (POST …/redeliver, with the
 * CSRF header). Refreshed on demand and after a redelivery.
 */
import { useCallback, useEffect, useState } from 'react';
import { Button, Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { api, type Delivery, type Me } from './api.js';
import { PerTenant, message, when, type TenantView } from './TenantPicker.js';

export function Events({ me }: { me: Me }) {
  return <PerTenant me={me} view={(v) => <Deliveries {...v} />} />;
}

function Deliveries({ tenant, admin, csrf }: TenantView) {
  const [rows, setRows] = useState<Delivery[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const load = useCallback(
    () =>
      api.deliveries(tenant).then(
        (r) => {
          setRows(r.items);
          setError(undefined);
        },
        (err: unknown) => setError(message(err)),
      ),
    [tenant],
  );
  useEffect(() => void load(), [load]);
  const redeliver = async (d: Delivery) => {
    try {
      await api.redeliver(tenant, d.id, csrf);
      setNotice(`Event ${d.seq} of conversation ${d.conversationId} queued for ${d.endpoint} again.`);
    } catch (err) {
      setNotice(`Redelivery failed: ${message(err)}`);
    }
    await load();
  };
  return (
    <section aria-labelledby="deliveries-title">
      <div className="toolbar">
        <h2 id="deliveries-title">Webhook deliveries</h2>
        <Button onPress={() => void load()}>Refresh</Button>
      </div>
      <p role="status" className="notice">{notice}</p>
      {error ? <p role="alert">Could not load the deliveries: {error}</p> : null}
      {!rows ? (
        <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p>No webhook deliveries yet. Events are delivered once the tenant has a webhook (hookline tenant set) and a monitored call produces events.</p>
      ) : (
        <Table aria-label="Webhook deliveries">
          <TableHeader>
            <Column isRowHeader>Event</Column>
            <Column>Endpoint</Column>
            <Column>Conversation</Column>
            <Column>Status</Column>
            <Column>Attempts</Column>
            <Column>Last response</Column>
            <Column>Last attempt</Column>
            <Column>Action</Column>
          </TableHeader>
          <TableBody items={rows}>
            {(d) => (
              <Row id={d.id}>
                <Cell>
                  {d.eventType} #{d.seq}
                </Cell>
                <Cell>{d.endpoint}</Cell>
                <Cell>
                  <code>{d.conversationId}</code>
                </Cell>
                <Cell>
                  <span className={`status status-${d.status}`}>{d.status}</span>
                </Cell>
                <Cell>{d.attempts}</Cell>
                <Cell>{d.lastError ?? (d.lastStatusCode === null ? '—' : `HTTP ${d.lastStatusCode}`)}</Cell>
                <Cell>{when(d.lastAttemptAt)}</Cell>
                <Cell>
                  {admin ? (
                    <Button aria-label={`Redeliver event ${d.seq} of ${d.conversationId} to ${d.endpoint}`} onPress={() => void redeliver(d)}>
                      Redeliver
                    </Button>
                  ) : (
                    '—'
                  )}
                </Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

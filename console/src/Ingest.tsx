/**
 * Ingest: queue depth, the tenant's dead letters with their reasons and Retry,
 * recent imports, reconciliation reports and "Run now" (GET /api/v1/ingest/status,
 * /ingest/reconciliations; POST …/retry and /ingest/reconcile with the CSRF header).
 */
import { useCallback, useEffect, useState } from 'react';
import { Button, Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import { api, type IngestStatus, type Me, type ReconcileReport } from './api.js';
import { PerTenant, message, when, type TenantView } from './TenantPicker.js';

export function Ingest({ me }: { me: Me }) {
  return <PerTenant me={me} view={(v) => <IngestView {...v} />} />;
}

function IngestView({ tenant, admin, csrf }: TenantView) {
  const [status, setStatus] = useState<IngestStatus | undefined>();
  const [reports, setReports] = useState<ReconcileReport[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const [running, setRunning] = useState(false);
  const load = useCallback(async () => {
    try {
      const [s, r] = await Promise.all([api.ingestStatus(tenant), api.reconciliations(tenant)]);
      setStatus(s);
      setReports(r.items);
      setError(undefined);
    } catch (err) {
      setError(message(err));
    }
  }, [tenant]);
  useEffect(() => void load(), [load]);
  const act = async (what: () => Promise<string>) => {
    try {
      setNotice(await what());
    } catch (err) {
      setNotice(`Failed: ${message(err)}`);
    }
    await load();
  };
  const retry = (id: string, conversationId: string | null) =>
    act(async () => {
      await api.retryDeadLetter(tenant, id, csrf);
      return `Conversation ${conversationId ?? id} queued for import again.`;
    });
  const runNow = () =>
    act(async () => {
      setRunning(true);
      try {
        const r = await api.reconcileNow(tenant, csrf);
        return r.error ? `Reconciliation failed: ${r.error}` : `Reconciliation done: found ${r.found}, ${r.alreadyImported} already imported, ${r.enqueued} queued.`;
      } finally {
        setRunning(false);
      }
    });
  if (error) return <p role="alert">Could not load ingest: {error}</p>;
  if (!status || !reports) return <p>Loading…</p>;
  return (
    <>
      <div className="toolbar">
        <Button onPress={() => void load()}>Refresh</Button>
        {admin ? (
          <Button onPress={() => void runNow()} isDisabled={running || !status.enabled}>
            {running ? 'Reconciling…' : 'Run reconciliation now'}
          </Button>
        ) : null}
      </div>
      <p role="status" className="notice">{notice}</p>
      <Queue status={status} />
      <section aria-labelledby="dead-title">
        <h2 id="dead-title">Dead letters</h2>
        {status.deadLetters.length === 0 ? (
          <p>No dead letters: every conversation queued for this tenant was imported or is still being tried.</p>
        ) : (
          <Table aria-label="Dead letters">
            <TableHeader>
              <Column isRowHeader>Conversation</Column>
              <Column>Reason</Column>
              <Column>Attempts</Column>
              <Column>Failed at</Column>
              <Column>Action</Column>
            </TableHeader>
            <TableBody items={status.deadLetters}>
              {(l) => (
                <Row id={l.id}>
                  <Cell>
                    <code>{l.conversationId ?? '—'}</code>
                  </Cell>
                  <Cell>{l.reason}</Cell>
                  <Cell>{l.attempts}</Cell>
                  <Cell>{when(l.failedAt)}</Cell>
                  <Cell>
                    {admin ? (
                      <Button aria-label={`Retry ${l.conversationId ?? l.id}`} onPress={() => void retry(l.id, l.conversationId)}>
                        Retry
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
      <Imports status={status} />
      <Reports reports={reports} />
    </>
  );
}

function Queue({ status }: { status: IngestStatus }) {
  if (!status.queue) return <p>Ingest is off in this deployment (ingest.enabled): nothing is imported.</p>;
  const q = status.queue;
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">Queue depth (all tenants)</h2>
      <dl className="facts">
        <dt>Waiting</dt>
        <dd>{q.ready}</dd>
        <dt>Being imported</dt>
        <dd>{q.inFlight}</dd>
        <dt>Dead letters</dt>
        <dd>{q.dead}</dd>
        <dt>Backend</dt>
        <dd>{q.kind === 'rabbitmq' ? 'RabbitMQ' : 'database table'}</dd>
      </dl>
    </section>
  );
}

function Imports({ status }: { status: IngestStatus }) {
  return (
    <section aria-labelledby="imports-title">
      <h2 id="imports-title">Recent imports</h2>
      {status.recentImports.length === 0 ? (
        <p>Nothing imported yet: conversations are imported shortly after a monitored agent's call ends.</p>
      ) : (
        <Table aria-label="Recent imports">
          <TableHeader>
            <Column isRowHeader>Conversation</Column>
            <Column>Started</Column>
            <Column>Imported</Column>
          </TableHeader>
          <TableBody items={status.recentImports.map((i) => ({ ...i, id: i.conversationId }))}>
            {(i) => (
              <Row id={i.id}>
                <Cell>
                  <code>{i.conversationId}</code>
                </Cell>
                <Cell>{when(i.startedAt)}</Cell>
                <Cell>{when(i.importedAt)}</Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

function Reports({ reports }: { reports: ReconcileReport[] }) {
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">Reconciliation reports</h2>
      {reports.length === 0 ? (
        <p>No reconciliation has run for this tenant yet.</p>
      ) : (
        <Table aria-label="Reconciliation reports">
          <TableHeader>
            <Column isRowHeader>Window</Column>
            <Column>Trigger</Column>
            <Column>Found</Column>
            <Column>Already imported</Column>
            <Column>Queued</Column>
            <Column>Failed</Column>
            <Column>Error</Column>
          </TableHeader>
          <TableBody items={reports}>
            {(r) => (
              <Row id={r.id}>
                <Cell>
                  {when(r.windowStart)} → {when(r.windowEnd)}
                </Cell>
                <Cell>{r.trigger}</Cell>
                <Cell>{r.found}</Cell>
                <Cell>{r.alreadyImported}</Cell>
                <Cell>{r.enqueued}</Cell>
                <Cell>{r.failed}</Cell>
                <Cell>{r.error ?? '—'}</Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

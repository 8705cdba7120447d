/**
 * A conversation's post-call analysis on the Conversations detail view
 * (GET /api/v1/conversations/{id}/analysis, docs/guidance-postcall.md): the
 * acoustic figures per party, silence and overtalk, the guidance findings and
 * phrases on the recording's timeline, and live vs post-call. Admins can
 * analyse it again (POST …/analysis): the job is queued, and the section
 * waits for that one job by reading the result a few times with backoff until
 * its `runs` grows (a bounded wait, not a polling loop; Refresh stays there).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { HttpError } from './api.js';
import { analysisApi, type AnalysisComparison, type AnalysisMetrics, type ConversationAnalysis, type FindingRef, type MetricDelta, type Party } from './conversations-api.js';
import { message, when } from './TenantPicker.js';

/** Waits after the POST before each read: about half a minute in all, then Refresh is the user's. */
const RERUN_BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 16000];
const PARTIES: readonly Party[] = ['customer', 'agent'];

/** ms on the recording's timeline as mm:ss. */
export const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const signedSecs = (ms: number) => `${ms > 0 ? '+' : ms < 0 ? '−' : '±'}${(Math.abs(ms) / 1000).toFixed(1)} s`;
const percent = (r: number) => `${Math.round(r * 100)} %`;
const db = (v: number) => `${v.toFixed(1)} dBFS`;

type Loaded = { kind: 'loading' } | { kind: 'none' } | { kind: 'error'; error: string } | { kind: 'done'; analysis: ConversationAnalysis };
type Rerun = { kind: 'idle' } | { kind: 'queued' } | { kind: 'finished'; runs: number } | { kind: 'pending' } | { kind: 'error'; error: string };

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function AnalysisSection({ tenant, id, admin, csrf }: { tenant: string; id: string; admin: boolean; csrf: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [rerun, setRerun] = useState<Rerun>({ kind: 'idle' });
  // The wait for a queued job ends when the view goes away (no state set on an unmounted component).
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => void (alive.current = false);
  }, []);

  const read = useCallback(async (): Promise<Loaded> => {
    try {
      return { kind: 'done', analysis: await analysisApi.get(tenant, id) };
    } catch (err) {
      // 404: not analysed (yet), or analysis is off in this deployment.
      return err instanceof HttpError && err.status === 404 ? { kind: 'none' } : { kind: 'error', error: message(err) };
    }
  }, [tenant, id]);
  const load = useCallback(() => void read().then((l) => alive.current && setLoaded(l)), [read]);
  useEffect(load, [load]);

  const again = async () => {
    const before = loaded.kind === 'done' ? loaded.analysis.runs : 0;
    try {
      await analysisApi.rerun(tenant, id, csrf);
    } catch (err) {
      setRerun({ kind: 'error', error: message(err) });
      return;
    }
    setRerun({ kind: 'queued' });
    for (const wait of RERUN_BACKOFF_MS) {
      await delay(wait);
      if (!alive.current) return;
      const l = await read();
      if (l.kind === 'done' && l.analysis.runs > before) {
        setLoaded(l);
        setRerun({ kind: 'finished', runs: l.analysis.runs });
        return;
      }
    }
    setRerun({ kind: 'pending' });
  };

  return (
    <section aria-labelledby="conv-analysis-title" className="analysis">
      <div className="toolbar">
        <h3 id="conv-analysis-title">Analysis</h3>
        <Button onPress={load} aria-label="Refresh the analysis">
          Refresh
        </Button>
        {admin && loaded.kind !== 'loading' ? (
          <Button onPress={() => void again()} isDisabled={rerun.kind === 'queued'}>
            Analyse again
          </Button>
        ) : null}
      </div>
      <p role="status" className="notice">
        {rerun.kind === 'queued'
          ? 'Re-analysis queued; waiting for the result…'
          : rerun.kind === 'finished'
            ? `Analysed again: run ${rerun.runs}.`
            : rerun.kind === 'pending'
              ? 'Re-analysis queued; not finished yet. Refresh later.'
              : ''}
      </p>
      {rerun.kind === 'error' ? <p role="alert">Could not queue the re-analysis: {rerun.error}</p> : null}
      <AnalysisBody loaded={loaded} />
    </section>
  );
}

function AnalysisBody({ loaded }: { loaded: Loaded }) {
  if (loaded.kind === 'loading') return <p>Loading…</p>;
  if (loaded.kind === 'error') return <p role="alert">Could not load the analysis: {loaded.error}</p>;
  if (loaded.kind === 'none') return <p>Not analysed: the conversation has no post-call analysis yet (it is analysed once its recording is imported).</p>;
  const a = loaded.analysis;
  return (
    <>
      <dl className="facts">
        <dt>Status</dt>
        <dd>{a.status === 'done' ? 'done' : 'unsupported (no recording in a format the analysis reads)'}</dd>
        <dt>Analysed at</dt>
        <dd>{when(a.analyzedAt)}</dd>
        <dt>Runs</dt>
        <dd>{a.runs}</dd>
      </dl>
      {a.recordings
        .filter((r) => r.status === 'unsupported')
        .map((r) => (
          <p key={r.recordingId}>
            Recording <code>{r.recordingId}</code> ({r.format}) not analysed: {r.reason ?? 'unsupported'}
          </p>
        ))}
      {a.metrics ? <Metrics m={a.metrics} /> : null}
      <Findings a={a} />
      <Phrases a={a} />
      <LiveVsPostCall c={a.comparison} />
    </>
  );
}

function Metrics({ m }: { m: AnalysisMetrics }) {
  const parties = PARTIES.filter((p) => m.parties[p]);
  return (
    <>
      <h4 id="analysis-parties-title">Per party</h4>
      <table className="data" aria-labelledby="analysis-parties-title">
        <thead>
          <tr>
            <th scope="col">Party</th>
            <th scope="col">Talk time</th>
            <th scope="col">Talk ratio</th>
            <th scope="col">Interruptions</th>
            <th scope="col">Speech level</th>
          </tr>
        </thead>
        <tbody>
          {parties.map((p) => {
            const pm = m.parties[p]!;
            return (
              <tr key={p}>
                <th scope="row">{p}</th>
                <td>{secs(pm.talkMs)}</td>
                <td>{percent(pm.talkRatio)}</td>
                <td>{pm.interruptions}</td>
                <td>{db(pm.speechLevelDb)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <dl className="facts" aria-label="Call figures">
        <dt>Duration</dt>
        <dd>{secs(m.durationMs)}</dd>
        <dt>Silence</dt>
        <dd>{secs(m.silenceMs)} in all, longest {secs(m.longestSilenceMs)}</dd>
        <dt>Overtalk</dt>
        <dd>{secs(m.overtalkMs)}</dd>
      </dl>
    </>
  );
}

const evidenceText = (e: Record<string, string | number | boolean>) =>
  Object.entries(e)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');

function Findings({ a }: { a: ConversationAnalysis }) {
  return (
    <>
      <h4 id="analysis-findings-title">Findings</h4>
      {a.findings.length === 0 ? (
        <p>No guidance rule fired on the recording.</p>
      ) : (
        <table className="data" aria-labelledby="analysis-findings-title">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Kind</th>
              <th scope="col">Party</th>
              <th scope="col">At</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {a.findings.map((f, i) => (
              <tr key={`${f.rule}-${f.startMs}-${i}`}>
                <th scope="row">{f.rule}</th>
                <td>{f.kind}</td>
                <td>{f.party ?? '—'}</td>
                <td>
                  {clock(f.startMs)}–{clock(f.endMs)}
                </td>
                <td>{evidenceText(f.evidence)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Phrases({ a }: { a: ConversationAnalysis }) {
  return (
    <>
      <h4 id="analysis-phrases-title">Phrases</h4>
      {a.phrases.length === 0 ? (
        <p>No rule phrase heard.</p>
      ) : (
        <table className="data" aria-labelledby="analysis-phrases-title">
          <thead>
            <tr>
              <th scope="col">Phrase</th>
              <th scope="col">Party</th>
              <th scope="col">At</th>
              <th scope="col">Heard</th>
            </tr>
          </thead>
          <tbody>
            {a.phrases.map((p, i) => (
              <tr key={`${p.phrase}-${p.startMs}-${i}`}>
                <th scope="row">{p.phrase}</th>
                <td>{p.party}</td>
                <td>
                  {clock(p.startMs)}–{clock(p.endMs)}
                </td>
                <td>{p.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const refText = (f: FindingRef) => `${f.rule} ${clock(f.startMs)}–${clock(f.endMs)}`;

function LiveVsPostCall({ c }: { c: AnalysisComparison | null }) {
  if (!c) {
    return (
      <>
        <h4 id="analysis-compare-title">Live vs post-call</h4>
        <p>The call was not analysed live: nothing to compare.</p>
      </>
    );
  }
  const rows: [string, MetricDelta][] = [
    ['Duration', c.metrics.durationMs],
    ...PARTIES.flatMap((p): [string, MetricDelta][] => (c.metrics.talkMs[p] ? [[`Talk time, ${p}`, c.metrics.talkMs[p]]] : [])),
    ['Silence', c.metrics.silenceMs],
    ['Longest silence', c.metrics.longestSilenceMs],
    ['Overtalk', c.metrics.overtalkMs],
  ];
  const f = c.findings;
  return (
    <>
      <h4 id="analysis-compare-title">Live vs post-call</h4>
      <p>
        {c.liveSessions} live session{c.liveSessions === 1 ? '' : 's'}; differences are post-call minus live.
      </p>
      <table className="data" aria-labelledby="analysis-compare-title">
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col">Live</th>
            <th scope="col">Post-call</th>
            <th scope="col">Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, d]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{secs(d.live)}</td>
              <td>{secs(d.postCall)}</td>
              <td>{signedSecs(d.delta)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts" aria-label="Findings compared">
        <dt>Alignment</dt>
        <dd>{signedSecs(f.alignmentMs)} (post-call offset minus live offset)</dd>
        <dt>Matched</dt>
        <dd>{f.matched}</dd>
        <dt>Live only</dt>
        <dd>{f.liveOnly.length === 0 ? 'none' : f.liveOnly.map(refText).join('; ')}</dd>
        <dt>Post-call only</dt>
        <dd>{f.postCallOnly.length === 0 ? 'none' : f.postCallOnly.map(refText).join('; ')}</dd>
      </dl>
    </>
  );
}

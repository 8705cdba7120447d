/**
 * Capture metrics (README "Metrics" lists them). Probes are counted only in
 * hookline_audiohook_probes_total: they are not calls.
 */
import { Counter, FastCounter, Gauge, Histogram, type Registry } from '../platform/metrics/index.js';

/** Error codes the AudioHook client defines (REF `ErrorCode`); any other code is counted as `other`. */
const KNOWN_CLIENT_ERROR_CODES = new Set([400, 405, 408, 409, 413, 415, 429, 500, 503]);

/** A label value for a client's `error.code`: never the client's own value, or one socket could mint series without end. */
export function clientErrorLabel(code: number): string {
  return KNOWN_CLIENT_ERROR_CODES.has(code) ? String(code) : 'other';
}

export class CaptureMetrics {
  readonly sessionsOpened: Counter<'tenant'>;
  readonly probes: Counter;
  readonly openLatency: Histogram;
  readonly rtt: Histogram;
  readonly frames: FastCounter;
  readonly bytes: FastCounter;
  readonly strayFrames: FastCounter;
  readonly signatureFailures: Counter<'reason'>;
  readonly protocolErrors: Counter;
  readonly clientErrors: Counter<'code'>;
  readonly positionMismatches: Counter;
  readonly replayCheckErrors: Counter;
  readonly sessionsByState: Gauge<'state'>;

  constructor(registry: Registry, stateCounts: () => Record<string, number>) {
    this.sessionsOpened = new Counter({ name: 'hookline_audiohook_sessions_opened_total', help: 'AudioHook sessions opened (probes excluded)', labelNames: ['tenant'], registers: [registry] });
    this.probes = new Counter({ name: 'hookline_audiohook_probes_total', help: 'Connection probes answered', registers: [registry] });
    this.openLatency = new Histogram({
      name: 'hookline_audiohook_open_latency_seconds',
      help: 'Time from receiving open to sending opened',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1],
      registers: [registry],
    });
    this.rtt = new Histogram({
      name: 'hookline_audiohook_rtt_seconds',
      help: 'Round-trip time reported by the client in ping.rtt',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    this.frames = new FastCounter(registry, 'hookline_audiohook_frames_received_total', 'Audio frames received (admitted or not)');
    this.bytes = new FastCounter(registry, 'hookline_audiohook_bytes_received_total', 'Audio bytes received');
    this.strayFrames = new FastCounter(registry, 'hookline_audiohook_stray_frames_total', 'Audio frames dropped because the stream was paused, opening or without media');
    this.signatureFailures = new Counter({ name: 'hookline_audiohook_auth_failures_total', help: 'Rejected upgrade requests by reason', labelNames: ['reason'], registers: [registry] });
    this.protocolErrors = new Counter({ name: 'hookline_audiohook_protocol_errors_total', help: 'Client protocol violations answered with disconnect(error)', registers: [registry] });
    this.clientErrors = new Counter({ name: 'hookline_audiohook_client_errors_total', help: 'error messages received from clients, by code (known AudioHook codes, else other)', labelNames: ['code'], registers: [registry] });
    this.replayCheckErrors = new Counter({ name: 'hookline_audiohook_replay_check_errors_total', help: 'Upgrades whose nonce could not be checked in the shared replay cache (accepted on the local check)', registers: [registry] });
    this.positionMismatches = new Counter({ name: 'hookline_audiohook_position_mismatches_total', help: 'Client positions that disagree with the server timeline', registers: [registry] });
    this.sessionsByState = new Gauge({
      name: 'hookline_audiohook_sessions',
      help: 'Live AudioHook sessions by state (probes excluded)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(stateCounts())) this.set({ state }, n);
      },
    });
  }
}

/**
 * Frames sinks dropped, per sink. Apart from CaptureMetrics because the sinks
 * exist before the CaptureServer they are given to.
 */
export class SinkDropMetrics {
  private readonly counter: Counter<'sink'>;
  private readonly pending = new Map<string, number>();

  constructor(registry: Registry) {
    const pending = this.pending;
    this.counter = new Counter({
      name: 'hookline_sink_dropped_frames_total',
      help: 'Frames a sink dropped because its bounded queue was full or its destination was down',
      labelNames: ['sink'],
      registers: [registry],
      collect() {
        for (const [sink, n] of pending) if (n > 0) this.inc({ sink }, n);
        pending.clear();
      },
    });
  }

  /** A cheap drop counter for one sink. */
  counterFor(sink: string): (n?: number) => void {
    this.counter.inc({ sink }, 0);
    return (n = 1) => {
      this.pending.set(sink, (this.pending.get(sink) ?? 0) + n);
    };
  }
}

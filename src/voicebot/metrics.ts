/**
 * Voice-bot bridge metrics (docs/voicebot.md lists them). Every label value is
 * from a fixed set: nothing a client sends becomes a series.
 */
import { Counter, FastCounter, Gauge, type Registry } from '../platform/metrics/index.js';

export type BotFailureReason = 'unavailable' | 'timeout';

export class VoicebotMetrics {
  readonly sessionsByState: Gauge<'state'>;
  readonly probes: Counter;
  readonly authFailures: Counter<'reason'>;
  readonly replayCheckErrors: Counter;
  readonly messagesSent: FastCounter;
  readonly bytesSent: FastCounter;
  readonly bargeIns: Counter;
  readonly bargeInDroppedBytes: Counter;
  readonly queueDroppedBytes: Counter;
  readonly botFailures: Counter<'reason'>;
  readonly rateLimited: Counter;
  readonly sessionsRefused: Counter<'limit'>;
  readonly asrReconnectsRefused: Counter;

  constructor(registry: Registry, stateCounts: () => Record<string, number>) {
    const registers = [registry];
    this.sessionsByState = new Gauge({
      name: 'hookline_voicebot_sessions',
      help: 'AudioConnector sessions on this replica by state (probes excluded)',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(stateCounts())) this.set({ state }, n);
      },
    });
    this.probes = new Counter({ name: 'hookline_voicebot_probes_total', help: 'AudioConnector connection probes answered', registers });
    this.authFailures = new Counter({ name: 'hookline_voicebot_auth_failures_total', help: 'AudioConnector upgrades refused, by reason', labelNames: ['reason'], registers });
    this.replayCheckErrors = new Counter({ name: 'hookline_voicebot_replay_check_errors_total', help: 'Shared replay-cache checks that failed (the local check stood alone)', registers });
    this.messagesSent = new FastCounter(registry, 'hookline_voicebot_audio_messages_sent_total', 'Binary audio messages sent to Genesys');
    this.bytesSent = new FastCounter(registry, 'hookline_voicebot_audio_bytes_sent_total', 'Audio bytes sent to Genesys');
    this.bargeIns = new Counter({ name: 'hookline_voicebot_barge_ins_total', help: 'Caller barge-ins over bot audio', registers });
    this.bargeInDroppedBytes = new Counter({ name: 'hookline_voicebot_barge_in_dropped_bytes_total', help: 'Queued bot audio dropped unsent on barge-in', registers });
    this.queueDroppedBytes = new Counter({ name: 'hookline_voicebot_queue_dropped_bytes_total', help: 'Bot audio dropped because the outbound queue was full', registers });
    this.botFailures = new Counter({ name: 'hookline_voicebot_bot_failures_total', help: 'Bot turns that failed, by reason (unavailable, timeout)', labelNames: ['reason'], registers });
    this.rateLimited = new Counter({ name: 'hookline_voicebot_rate_limited_total', help: '429 errors received from the client', registers });
    this.sessionsRefused = new Counter({ name: 'hookline_voicebot_sessions_refused_total', help: 'Calls refused in their open transaction because a session bound was reached, by limit (process, tenant)', labelNames: ['limit'], registers });
    this.asrReconnectsRefused = new Counter({ name: 'hookline_voicebot_asr_reconnects_refused_total', help: 'Language updates that did not restart the recognizer: the per-call bound of restarts was reached', registers });
  }
}

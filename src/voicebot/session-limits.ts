/**
 * How many voice-bot calls run at once, on this replica and per tenant. Each
 * call can cost a recognizer process (35–100 MB for pocketsphinx), a TTS
 * program and a bot connection, so an authenticated but hostile (or
 * misrouted) client opening calls must meet a bound, and one tenant must not
 * take every slot. Probes take no slot: they start nothing.
 */
export interface SessionLimitSettings {
  maxSessions: number;
  maxSessionsPerTenant: number;
}

/** Which bound refused a call (a metric label: a fixed set). */
export type SessionLimitReason = 'process' | 'tenant';

export type SlotResult = { ok: true; release: () => void } | { ok: false; reason: SessionLimitReason };

export class SessionLimits {
  private total = 0;
  /** Only tenants with a call running: at most `maxSessions` entries. */
  private readonly byTenant = new Map<string, number>();

  constructor(private readonly s: SessionLimitSettings) {}

  get active(): number {
    return this.total;
  }

  activeFor(orgId: string): number {
    return this.byTenant.get(orgId) ?? 0;
  }

  /** A slot for one call of `orgId`, released (once) when the call ends; or which bound is full. */
  acquire(orgId: string): SlotResult {
    if (this.total >= this.s.maxSessions) return { ok: false, reason: 'process' };
    const mine = this.byTenant.get(orgId) ?? 0;
    if (mine >= this.s.maxSessionsPerTenant) return { ok: false, reason: 'tenant' };
    this.total++;
    this.byTenant.set(orgId, mine + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byTenant.get(orgId) ?? 1) - 1;
        if (left > 0) this.byTenant.set(orgId, left);
        else this.byTenant.delete(orgId);
      },
    };
  }
}

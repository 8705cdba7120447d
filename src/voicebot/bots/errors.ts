/** Why a bot could not answer a turn: the bridge speaks its fallback and ends the session (handover). */
export type BotFailure = 'http-status' | 'bad-response' | 'network' | 'timeout';

export class BotUnavailableError extends Error {
  override name = 'BotUnavailableError';

  constructor(
    readonly reason: BotFailure,
    message: string,
    /** The HTTP status, for `http-status`. */
    readonly status?: number,
  ) {
    super(message);
  }
}

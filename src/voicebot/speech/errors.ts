/** Errors of the speech engines, named so the bridge can tell "not installed" from "failed this time". */

/** The engine's program or model is not installed: the message says which package provides it. */
export class SpeechEngineUnavailableError extends Error {
  override readonly name = 'SpeechEngineUnavailableError';
}

/** The engine ran but failed (bad exit, unreadable output, a refused or dropped connection). */
export class SpeechEngineError extends Error {
  override readonly name = 'SpeechEngineError';
  /** Which engine, when the failure came from a network engine (its messages start with it). */
  readonly engine: string | undefined;
  constructor(message: string, engine?: string) {
    super(engine === undefined ? message : `${engine}: ${message}`);
    this.engine = engine;
  }
}

/** The request itself is unusable (text too long, voice name malformed); the message names the field. */
export class SpeechInputError extends Error {
  override readonly name = 'SpeechInputError';
}

/** Errors of the speech engines, named so the bridge can tell "not installed" from "failed this time". */

/** The engine's program or model is not installed: the message says which package provides it. */
export class SpeechEngineUnavailableError extends Error {
  override readonly name = 'SpeechEngineUnavailableError';
}

/** The engine ran but failed (bad exit, unreadable output). */
export class SpeechEngineError extends Error {
  override readonly name = 'SpeechEngineError';
}

/** The request itself is unusable (text too long, voice name malformed); the message names the field. */
export class SpeechInputError extends Error {
  override readonly name = 'SpeechInputError';
}

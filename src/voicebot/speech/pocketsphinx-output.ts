/**
 * Parses what `pocketsphinx_continuous -time yes` prints for each utterance:
 * the hypothesis on one line, then one line per segment
 * `word start end posterior` (seconds of audio since the program began).
 * The program prints an utterance's lines and then flushes stdout once, so
 * one pipe read normally holds a whole utterance; a read that ends is taken as
 * the end of the utterance (a very long one split across reads loses only its
 * times, never its text). Pure: text in, results out.
 *
 * Keyword spotting (`-kws`) prints the same way, but each segment line is one
 * detection whose "word" is the whole keyphrase (`cancel my contract  27.320
 * 28.690 0.82`); with `keyphrases` every such line is its own result and the
 * hypothesis line (the detections joined) is ignored.
 */

export interface PocketsphinxResult {
  text: string;
  /** Mean posterior of the recognized words (a grammar search reports 1 for each). */
  confidence?: number;
  /** Seconds since the program began, from the segment lines. */
  startSec?: number;
  endSec?: number;
}

const SEGMENT = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/;
/** Fillers and sentence markers are not words the caller said. */
const FILLER = /^(<s>|<\/s>|<sil>|\[NOISE\]|\+\+.*\+\+|\+.*\+)$/i;
const KEYPHRASE = /^(\S.*?)\s+(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/;
/** Longest line kept while waiting for its newline: the program never prints more, so more is garbage. */
const MAX_LINE = 64 * 1024;

interface Pending {
  text: string;
  posteriors: number[];
  start?: number;
  end?: number;
}

export class PocketsphinxOutputParser {
  private rest = '';
  private pending: Pending | undefined;

  constructor(private readonly options: { keyphrases?: boolean } = {}) {}

  /** One read from stdout. */
  push(chunk: string): PocketsphinxResult[] {
    const results: PocketsphinxResult[] = [];
    const lines = (this.rest + chunk).split('\n');
    this.rest = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const raw of lines) this.line(raw.trimEnd(), results);
    this.flush(results);
    return results;
  }

  /** The program ended: whatever was pending is complete. */
  end(): PocketsphinxResult[] {
    const results: PocketsphinxResult[] = [];
    if (this.rest !== '') this.line(this.rest.trimEnd(), results);
    this.rest = '';
    this.flush(results);
    return results;
  }

  private line(line: string, results: PocketsphinxResult[]): void {
    if (this.options.keyphrases) return this.detection(line, results);
    const seg = SEGMENT.exec(line);
    if (seg && !this.pending) return; // times of an utterance whose text came in an earlier read
    if (seg && this.pending) {
      const [, word, start, end, posterior] = seg as unknown as [string, string, string, string, string];
      if (FILLER.test(word)) return;
      this.pending.posteriors.push(Number(posterior));
      this.pending.start ??= Number(start);
      this.pending.end = Number(end);
      return;
    }
    this.flush(results);
    this.pending = { text: line.trim().replace(/\s+/g, ' '), posteriors: [] };
  }

  private detection(line: string, results: PocketsphinxResult[]): void {
    const m = KEYPHRASE.exec(line);
    if (!m) return; // the hypothesis line: the same detections, without times
    const [, phrase, start, end, posterior] = m as unknown as [string, string, string, string, string];
    results.push({ text: phrase.trim().replace(/\s+/g, ' '), confidence: Number(posterior), startSec: Number(start), endSec: Number(end) });
  }

  private flush(results: PocketsphinxResult[]): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p || p.text === '') return;
    const result: PocketsphinxResult = { text: p.text };
    if (p.posteriors.length > 0) result.confidence = p.posteriors.reduce((a, b) => a + b, 0) / p.posteriors.length;
    if (p.start !== undefined) result.startSec = p.start;
    if (p.end !== undefined) result.endSec = p.end;
    results.push(result);
  }
}

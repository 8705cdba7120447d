/**
 * Speaking-rate proxy: peaks of the 10 ms level envelope that stand out by a
 * prominence (hysteresis peak picking), counted when the peak lies in speech.
 * Vowel nuclei are the loud parts of syllables, so peaks per second of talk
 * track syllables per second (the idea of de Jong & Wempe, "Praat script to
 * detect syllable nuclei", Behavior Research Methods 41, 2009, on a coarser
 * envelope and without the pitch check).
 */
export class PeakCounter {
  peaks = 0;
  private rising = true;
  /** The running maximum while rising, minimum while falling. */
  private extreme = Number.NEGATIVE_INFINITY;
  private extremeInSpeech = false;

  constructor(private readonly prominenceDb: number) {}

  step(levelDb: number, inSpeech: boolean): void {
    if (this.rising) {
      if (levelDb > this.extreme) {
        this.extreme = levelDb;
        this.extremeInSpeech = inSpeech;
      } else if (levelDb < this.extreme - this.prominenceDb) {
        if (this.extremeInSpeech) this.peaks++;
        this.rising = false;
        this.extreme = levelDb;
      }
    } else if (levelDb < this.extreme) {
      this.extreme = levelDb;
    } else if (levelDb > this.extreme + this.prominenceDb) {
      this.rising = true;
      this.extreme = levelDb;
      this.extremeInSpeech = inSpeech;
    }
  }

  /** Forgets the envelope (after a gap in the audio); the count stays. */
  restart(): void {
    this.rising = true;
    this.extreme = Number.NEGATIVE_INFINITY;
    this.extremeInSpeech = false;
  }
}

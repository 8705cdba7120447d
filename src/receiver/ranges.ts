/** Merged, sorted byte ranges [start, end): which parts of a file were written. */
export class Ranges {
  private list: [number, number][] = [];

  add(start: number, end: number): void {
    if (end <= start) return;
    const out: [number, number][] = [];
    let s = start;
    let e = end;
    for (const [a, b] of this.list) {
      if (b < s || a > e) out.push([a, b]);
      else {
        s = Math.min(s, a);
        e = Math.max(e, b);
      }
    }
    out.push([s, e]);
    this.list = out.sort((x, y) => x[0] - y[0]);
  }

  /** The unwritten holes below `limit`. */
  holes(limit: number): [number, number][] {
    const holes: [number, number][] = [];
    let at = 0;
    for (const [a, b] of this.list) {
      if (a > at) holes.push([at, Math.min(a, limit)]);
      at = Math.max(at, b);
    }
    if (at < limit) holes.push([at, limit]);
    return holes.filter(([a, b]) => b > a);
  }

  /** First written byte (0 when nothing was written). */
  get start(): number {
    return this.list.length ? (this.list[0] as [number, number])[0] : 0;
  }

  get end(): number {
    return this.list.length ? (this.list[this.list.length - 1] as [number, number])[1] : 0;
  }
}

import { RoaringBitmap32 } from 'roaring';

/** Marks "no value" (a fan's memberSince, a customer who never purchased) in an Int32 column. */
export const NULL_VALUE = -2_147_483_648;
const TARGET_BANDS = 64;
const SAMPLE = 65_536;

/**
 * One integer attribute of every indexed customer (level, points, a day number, a windowed count or spend):
 * a dense value array by customer id plus roaring bitmaps of value bands. A range query ORs the bands inside
 * it and checks each member of the (at most two) bands straddling a bound against the exact value, so answers
 * are exact whatever the band boundaries; boundaries (from a sample at build) only decide the speed. A value
 * that alone fills a band (0 orders in the window, level 0) gets a band of its own, so it is never re-checked.
 */
export class NumericBands {
  private values: Int32Array | Float64Array;
  /** starts[i] is the first value of band i; band 0 is open below, the last band open above. */
  private starts: number[] = [-Infinity];
  private bands: RoaringBitmap32[] = [new RoaringBitmap32()];
  readonly nulls = new RoaringBitmap32();

  constructor(
    private readonly float: boolean,
    capacity: number,
  ) {
    this.values = this.alloc(Math.max(capacity, 1024));
    if (!float) this.values.fill(NULL_VALUE);
  }

  private alloc(n: number): Int32Array | Float64Array {
    return this.float ? new Float64Array(n) : new Int32Array(n);
  }

  private ensure(id: number): void {
    if (id < this.values.length) return;
    let n = this.values.length;
    while (n <= id) n *= 2;
    const next = this.alloc(n);
    if (!this.float) next.fill(NULL_VALUE);
    next.set(this.values);
    this.values = next;
  }

  /** Value of a customer at build time, before `seal` (no bitmaps yet). */
  load(id: number, value: number | null): void {
    this.ensure(id);
    this.values[id] = value === null ? NULL_VALUE : value;
  }

  add(id: number, delta: number): void {
    this.ensure(id);
    this.values[id] += delta;
  }

  get(id: number): number | null {
    if (id >= this.values.length) return null;
    const v = this.values[id]!;
    return v === NULL_VALUE ? null : v;
  }

  /** Chooses band boundaries from a sample of the loaded values and fills the band bitmaps for `ids` (ascending). */
  seal(ids: Uint32Array): void {
    const step = Math.max(1, Math.floor(ids.length / SAMPLE));
    const sample: number[] = [];
    for (let i = 0; i < ids.length; i += step) {
      const v = this.values[ids[i]!]!;
      if (v !== NULL_VALUE) sample.push(v);
    }
    sample.sort((a, b) => a - b);
    const target = Math.max(1, Math.ceil(sample.length / TARGET_BANDS));
    const starts = [-Infinity];
    let inBand = 0;
    for (let i = 0; i < sample.length; ) {
      const v = sample[i]!;
      let j = i;
      while (j < sample.length && sample[j] === v) j++;
      const count = j - i;
      // A heavy value closes the band before it and takes one of its own.
      if (count >= target && inBand > 0) {
        starts.push(v);
        inBand = 0;
      }
      inBand += count;
      if (inBand >= target && j < sample.length) {
        starts.push(sample[j]!);
        inBand = 0;
      }
      i = j;
    }
    this.starts = starts;
    const members: number[][] = starts.map(() => []);
    const nulls: number[] = [];
    for (const id of ids) {
      const v = this.values[id]!;
      if (v === NULL_VALUE) nulls.push(id);
      else members[this.bandOf(v)]!.push(id);
    }
    this.bands = members.map((m) => new RoaringBitmap32(m));
    this.nulls.clear();
    this.nulls.addMany(nulls);
  }

  private bandOf(v: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Live update of one customer (after seal). */
  set(id: number, value: number | null): void {
    this.ensure(id);
    const old = this.values[id]!;
    const next = value === null ? NULL_VALUE : value;
    if (old === next && (old === NULL_VALUE ? this.nulls.has(id) : this.bands[this.bandOf(old)]!.has(id))) return;
    this.forget(id);
    this.values[id] = next;
    if (next === NULL_VALUE) this.nulls.add(id);
    else this.bands[this.bandOf(next)]!.add(id);
  }

  /** Takes a customer out of every band (the value array keeps nothing meaningful for it). */
  forget(id: number): void {
    if (id >= this.values.length) return;
    const old = this.values[id]!;
    if (old === NULL_VALUE) this.nulls.remove(id);
    else this.bands[this.bandOf(old)]!.remove(id);
    this.values[id] = this.float ? 0 : NULL_VALUE;
  }

  bytes(): number {
    let n = this.values.byteLength;
    for (const b of this.bands) n += b.getSerializationSizeInBytes('portable');
    return n + this.nulls.getSerializationSizeInBytes('portable');
  }

  /** Upper bound of how many customers `range` would return: the sizes of the bands it touches. */
  estimate(lo: number | undefined, hi: number | undefined, includeNull = false): number {
    const L = lo ?? -Infinity;
    const H = hi ?? Infinity;
    let n = includeNull ? this.nulls.size : 0;
    for (let i = 0; i < this.bands.length; i++) {
      const first = this.starts[i]!;
      const last = i + 1 < this.starts.length ? this.starts[i + 1]! - 1 : Infinity;
      if (last >= L && first <= H) n += this.bands[i]!.size;
    }
    return n;
  }

  /** The ids (ascending) whose value is in [lo, hi] (or null, when asked): the residual check of a small candidate set. */
  filter(ids: Uint32Array, lo: number | undefined, hi: number | undefined, includeNull = false): number[] {
    const L = lo ?? -Infinity;
    const H = hi ?? Infinity;
    const vals = this.values;
    const n = vals.length;
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id >= n) continue;
      const v = vals[id]!;
      // Candidates are indexed customers, whose NULL entries are exactly `nulls`.
      if (v === NULL_VALUE) {
        if (includeNull) out.push(id);
      } else if (v >= L && v <= H) out.push(id);
    }
    return out;
  }

  /** Customers whose value v satisfies lo ≤ v ≤ hi (either bound optional); nulls only when asked. */
  range(lo: number | undefined, hi: number | undefined, includeNull = false): RoaringBitmap32 {
    const L = lo ?? -Infinity;
    const H = hi ?? Infinity;
    const full: RoaringBitmap32[] = [];
    const partial: number[] = [];
    for (let i = 0; i < this.bands.length; i++) {
      const first = this.starts[i]!;
      const last = i + 1 < this.starts.length ? this.starts[i + 1]! - 1 : Infinity; // integer values
      if (last < L || first > H) continue;
      const band = this.bands[i]!;
      if (band.size === 0) continue;
      if (first >= L && last <= H) {
        full.push(band);
        continue;
      }
      const vals = this.values;
      const ids = band.toUint32Array();
      for (let k = 0; k < ids.length; k++) {
        const v = vals[ids[k]!]!;
        if (v >= L && v <= H) partial.push(ids[k]!);
      }
    }
    const out = full.length ? RoaringBitmap32.orMany(full) : new RoaringBitmap32();
    if (partial.length) out.addMany(partial);
    if (includeNull) out.orInPlace(this.nulls);
    return out;
  }
}

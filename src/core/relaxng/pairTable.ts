// A hash map from a pair of integers (a ≥ 0, any b) to an integer ≥ 0, held in one Int32Array
// (open addressing, linear probing). The derivative memos and the interning of patterns fill
// tens of thousands of entries in a run: as Map entries (a Map per pattern, Maps of Maps) each
// was objects the young-generation collector copied twice and then scanned from old space; here
// an entry is three numbers outside the JavaScript heap.

/** What `get` returns for a pair not in the table (values are ≥ 0: callers test `>= 0`). */
export const ABSENT = -1;

export class PairTable {
  /** [a + 1, b, value] per slot; a + 1 = 0 marks a free slot (a fresh buffer is all free). */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 256) {
    let n = 16;
    while (n < capacity) n *= 2;
    this.slots = new Int32Array(n * 3);
    this.mask = n - 1;
  }

  get size(): number {
    return this.count;
  }

  get(a: number, b: number): number {
    const s = this.slots;
    const key = a + 1;
    // The hash written out here, not called: vmctx runs V8 without inlining (cliLauncher.ts).
    const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    let i = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const at = i * 3;
      const k = s[at];
      if (k === 0) return ABSENT;
      if (k === key && s[at + 1] === b) return s[at + 2];
      i = (i + 1) & this.mask;
    }
  }

  /** Sets the value of a pair (value ≥ 0). */
  set(a: number, b: number, value: number): void {
    // A pattern made for a message only (id -1) is not kept.
    if (a < 0) return;
    // At most half full: probes stay short.
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const s = this.slots;
    const key = a + 1;
    // The hash written out here, not called: vmctx runs V8 without inlining (cliLauncher.ts).
    const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    let i = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const at = i * 3;
      const k = s[at];
      if (k === 0) {
        s[at] = key;
        s[at + 1] = b;
        s[at + 2] = value;
        this.count++;
        return;
      }
      if (k === key && s[at + 1] === b) {
        s[at + 2] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  clear(): void {
    this.slots = new Int32Array(16 * 3);
    this.mask = 15;
    this.count = 0;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.count = 0;
    for (let at = 0; at < old.length; at += 3) if (old[at] !== 0) this.set(old[at] - 1, old[at + 1], old[at + 2]);
  }
}

// Every path of set and get taken once (a collision, an update, a growth) before any code runs
// hot: V8 compiles them on what they have met, and threw the compiled code away at the first
// growth of a table, deep into a run, to compile it again.
{
  const t = new PairTable(16);
  for (let i = 0; i < 40; i++) {
    t.set(i & 7, i, i);
    t.set(i & 7, i, i + 1);
    t.get(i & 7, i);
    t.get(i, -1);
  }
}

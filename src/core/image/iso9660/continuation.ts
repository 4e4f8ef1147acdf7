// The Rock Ridge continuation area: System Use entries that do not fit in a directory record
// go here, each chunk inside one sector, chained with CE entries when longer than a sector.
import { SECTOR } from './isoBytes';
import { CE_LENGTH, ceEntry } from './rockRidge';

/** Where a chunk lives, relative to the start of the continuation area. */
export interface ContinuationRef {
  sector: number;
  offset: number;
  length: number;
}

interface Piece {
  at: ContinuationRef;
  entries: Uint8Array[];
  next?: ContinuationRef;
}

const sum = (entries: Uint8Array[]) => entries.reduce((n, e) => n + e.length, 0);

export class ContinuationArea {
  private readonly pieces: Piece[] = [];
  private sectors = 0;
  private used = SECTOR; // bytes used in the last sector; full = open a new one on first use

  get sectorCount(): number {
    return this.sectors;
  }

  /** Places entries (each ≤ 255 bytes) and returns where the first CE should point. */
  place(entries: Uint8Array[]): ContinuationRef {
    const total = sum(entries);
    if (total <= SECTOR) return this.put(entries, total);
    // Longer than a sector: fill a fresh sector, end it with a CE to the rest.
    const head: Uint8Array[] = [];
    let n = 0;
    for (const e of entries) {
      if (n + e.length + CE_LENGTH > SECTOR) break;
      head.push(e);
      n += e.length;
    }
    this.used = SECTOR;
    const piece: Piece = { at: this.reserve(n + CE_LENGTH), entries: head };
    this.pieces.push(piece);
    piece.next = this.place(entries.slice(head.length));
    return piece.at;
  }

  private put(entries: Uint8Array[], length: number): ContinuationRef {
    const at = this.reserve(length);
    this.pieces.push({ at, entries });
    return at;
  }

  private reserve(length: number): ContinuationRef {
    if (this.used + length > SECTOR) {
      this.sectors++;
      this.used = 0;
    }
    const at = { sector: this.sectors - 1, offset: this.used, length };
    this.used += length;
    return at;
  }

  /** Writes the area into `out` (which starts at the area's first sector, `base`). */
  serialize(out: Uint8Array, base: number): void {
    for (const p of this.pieces) {
      let at = p.at.sector * SECTOR + p.at.offset;
      for (const e of p.entries) {
        out.set(e, at);
        at += e.length;
      }
      if (p.next) out.set(ceEntry(base + p.next.sector, p.next.offset, p.next.length), at);
    }
  }
}

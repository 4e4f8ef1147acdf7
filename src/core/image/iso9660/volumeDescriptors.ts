// Volume descriptors (ECMA-119 8.4, Joliet SVD, set terminator), one sector each.
import { SECTOR, asciiField, be32, both16, both32, le32, ucs2Field, volumeDate } from './isoBytes';

export interface VolumeFields {
  joliet: boolean;
  label: string;
  systemId: string;
  applicationId: string;
  volumeSectors: number;
  pathTableSize: number;
  lPathTable: number;
  mPathTable: number;
  /** The 34-byte root directory record. */
  rootRecord: Uint8Array;
  date: number;
}

export function writeVolumeDescriptor(out: Uint8Array, at: number, v: VolumeFields): void {
  const text = v.joliet ? ucs2Field : asciiField;
  out[at] = v.joliet ? 2 : 1;
  asciiField(out, at + 1, 5, 'CD001');
  out[at + 6] = 1;
  text(out, at + 8, 32, v.systemId);
  text(out, at + 40, 32, v.label);
  both32(out, at + 80, v.volumeSectors);
  if (v.joliet) asciiField(out, at + 88, 3, '%/E'); // UCS-2 level 3
  both16(out, at + 120, 1); // volume set size
  both16(out, at + 124, 1); // volume sequence number
  both16(out, at + 128, SECTOR);
  both32(out, at + 132, v.pathTableSize);
  le32(out, at + 140, v.lPathTable);
  be32(out, at + 148, v.mPathTable);
  out.set(v.rootRecord, at + 156);
  text(out, at + 190, 128, ''); // volume set
  text(out, at + 318, 128, ''); // publisher
  text(out, at + 446, 128, ''); // data preparer
  text(out, at + 574, 128, v.applicationId);
  text(out, at + 702, 37, ''); // copyright file
  text(out, at + 739, 37, ''); // abstract file
  text(out, at + 776, 37, ''); // bibliographic file
  volumeDate(out, at + 813, v.date); // creation
  volumeDate(out, at + 830, v.date); // modification
  volumeDate(out, at + 847, undefined); // expiration
  volumeDate(out, at + 864, v.date); // effective
  out[at + 881] = 1; // file structure version
}

export function writeTerminator(out: Uint8Array, at: number): void {
  out[at] = 255;
  asciiField(out, at + 1, 5, 'CD001');
  out[at + 6] = 1;
}

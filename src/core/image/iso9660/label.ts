// Volume labels: the primary descriptor holds 32 ASCII bytes, the Joliet one 16 UCS-2
// characters. Lower-case is kept (cloud-init looks for `cidata` as well as `CIDATA`).

/** A message when the label cannot be stored as given, else undefined. */
export function checkLabel(label: string): string | undefined {
  if (label.length === 0) return 'the volume label is empty';
  if (!/^[\x20-\x7e]*$/.test(label)) return `the volume label "${label}" must be printable ASCII`;
  if (label.length > 32) return `the volume label "${label}" is longer than 32 characters`;
  if (label.length > 16) return `the volume label "${label}" is longer than 16 characters: the Joliet label will be cut to "${label.slice(0, 16)}"`;
  return undefined;
}

const PVD_OFFSET = 16 * 2048;
/** Bytes to read from the start of an image to reach its primary volume descriptor's label. */
export const LABEL_HEAD_BYTES = PVD_OFFSET + 2048;

/** The volume label of an ISO 9660 image from its first LABEL_HEAD_BYTES, else undefined. */
export function readLabel(head: Uint8Array): string | undefined {
  if (head.length < PVD_OFFSET + 72) return undefined;
  const pvd = head.subarray(PVD_OFFSET);
  // Type 1 (primary), then "CD001".
  if (pvd[0] !== 1 || String.fromCharCode(...pvd.subarray(1, 6)) !== 'CD001') return undefined;
  return String.fromCharCode(...pvd.subarray(40, 72)).replace(/[ \0]+$/, '');
}

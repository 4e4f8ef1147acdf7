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

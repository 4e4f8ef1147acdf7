/**
 * FNV-1a over a string's UTF-16 code units, 32 bits as 8 hex digits: short names for cache
 * entries (never a check of their content, which the entries' headers do). `basis` varies the
 * offset basis, so that several passes give a longer name.
 */
export function fnv1a32(text: string, basis = 0x811c9dc5): string {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

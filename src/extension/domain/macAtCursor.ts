// The MAC address the cursor is in or near, to prefill "Set MAC from IP".
export function attributeNear(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  return /address\s*=\s*["']([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})["']/.exec(line)?.[1];
}

// Edits of vmcontext.json that keep the user's formatting and comments (jsonc-parser).
import { applyEdits, modify } from 'jsonc-parser';

/** The manifest text with `"baseImage"` set; `text` undefined writes a new manifest. */
export function setManifestBaseImage(text: string | undefined, baseImage: string): string {
  if (text === undefined || text.trim() === '') return JSON.stringify({ baseImage }, null, 2) + '\n';
  const edits = modify(text, ['baseImage'], baseImage, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  return applyEdits(text, edits);
}

// Reads context/common/network the way the guest's shell does when post-install sources it:
// words with quotes and backslashes, `#` comments, `export`, `;`, `$NAME` expansion of
// earlier keys. A quote must close on its own line (a shell would read on, but no value of
// this file spans lines, so that is always a mistake). Anything that would run a command (command substitution, a word that is not
// an assignment, operators) is a syntax error, since the file must only set variables.
import type { NetworkSettings } from '../project/project';
import { parseIPv4 } from './ipv4';

export interface NetworkAssignment {
  key: string;
  keyStart: number;
  keyEnd: number;
  /** The value as the shell sees it, after quote removal and expansion. */
  value: string;
  /** Source span of the value as written (quotes included). */
  valueStart: number;
  valueEnd: number;
  /** Source offset of each character of `value`, plus one entry for its end. */
  valueOffsets: number[];
  exported: boolean;
  /** Source span of the whole line holding the assignment, for removal fixes. */
  lineStart: number;
  lineEnd: number;
}

export interface NetworkSyntaxError {
  start: number;
  end: number;
  message: string;
  fix?: { title: string; start: number; end: number; newText: string };
}

export interface NetworkFile {
  text: string;
  assignments: NetworkAssignment[];
  errors: NetworkSyntaxError[];
}

interface Word {
  start: number;
  end: number;
  value: string;
  offsets: number[];
  /** Source text of the word, to recognise `NAME=` and `export` before quote removal. */
  raw: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT_PREFIX = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const OPERATORS = '|&<>()';

class Reader {
  i = 0;
  readonly errors: NetworkSyntaxError[] = [];
  readonly vars = new Map<string, string>();
  constructor(readonly text: string) {}

  error(start: number, end: number, message: string, fix?: NetworkSyntaxError['fix']): void {
    this.errors.push({ start, end, message, ...(fix ? { fix } : {}) });
  }

  atLineEnd(): boolean {
    const c = this.text[this.i];
    return c === undefined || c === '\n' || c === '\r';
  }

  skipBlanks(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t') this.i++;
      else if (c === '\\' && this.lineBreakLength(this.i + 1) > 0) this.i += 1 + this.lineBreakLength(this.i + 1);
      else return;
    }
  }

  lineBreakLength(at: number): number {
    if (this.text[at] === '\r') return this.text[at + 1] === '\n' ? 2 : 1;
    return this.text[at] === '\n' ? 1 : 0;
  }

  endOfLine(from: number): number {
    let j = from;
    while (j < this.text.length && this.text[j] !== '\n' && this.text[j] !== '\r') j++;
    return j;
  }

  /** Reads one word at `i` (not at a blank, line end or `;`). */
  word(): Word {
    const t = this.text;
    const start = this.i;
    let value = '';
    const offsets: number[] = [];
    const add = (s: string, at: number) => {
      for (let k = 0; k < s.length; k++) offsets.push(at);
      value += s;
    };
    while (this.i < t.length) {
      const c = t[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';') break;
      if (c === '\\') {
        const lb = this.lineBreakLength(this.i + 1);
        if (lb) this.i += 1 + lb; // line continuation
        else if (this.i + 1 < t.length) {
          add(t[this.i + 1], this.i + 1);
          this.i += 2;
        } else this.i++;
      } else if (c === "'") {
        const close = t.indexOf("'", this.i + 1);
        if (close < 0 || close > this.endOfLine(this.i)) {
          this.unterminated("'");
          break;
        }
        for (let k = this.i + 1; k < close; k++) add(t[k], k);
        this.i = close + 1;
      } else if (c === '"') {
        if (!this.doubleQuoted(add)) break;
      } else if (c === '$') {
        this.dollar(add);
      } else if (c === '`') {
        this.backtick();
      } else if (OPERATORS.includes(c)) {
        const end = this.i + (t[this.i + 1] === c && c !== '(' && c !== ')' ? 2 : 1);
        this.error(this.i, end, `\`${t.slice(this.i, end)}\` is a shell operator: this file may only assign variables (quote the value if it is meant literally)`);
        this.i = end;
      } else {
        add(c, this.i);
        this.i++;
      }
    }
    offsets.push(this.i);
    return { start, end: this.i, value, offsets, raw: t.slice(start, this.i) };
  }

  /** A "..." string at `i`; false when unterminated (the rest of the line was consumed). */
  private doubleQuoted(add: (s: string, at: number) => void): boolean {
    const t = this.text;
    const open = this.i;
    this.i++;
    while (this.i < t.length) {
      const c = t[this.i];
      if (c === '"') {
        this.i++;
        return true;
      }
      if (c === '\n' || c === '\r') break;
      if (c === '\\') {
        const n = t[this.i + 1];
        const lb = this.lineBreakLength(this.i + 1);
        if (lb) this.i += 1 + lb;
        else if (n === '$' || n === '`' || n === '"' || n === '\\') {
          add(n, this.i + 1);
          this.i += 2;
        } else {
          add('\\', this.i);
          this.i++;
        }
      } else if (c === '$') this.dollar(add);
      else if (c === '`') this.backtick();
      else {
        add(c, this.i);
        this.i++;
      }
    }
    this.i = open;
    this.unterminated('"');
    return false;
  }

  private unterminated(quote: string): void {
    const end = this.endOfLine(this.i);
    this.error(this.i, end, `unbalanced quote: this ${quote} is not closed on its line, so the shell would read the following lines into the value`);
    this.i = end;
  }

  private dollar(add: (s: string, at: number) => void): void {
    const t = this.text;
    const at = this.i;
    const n = t[at + 1];
    if (n === '(') {
      const end = this.matching(at + 1, '(', ')');
      const arithmetic = t[at + 2] === '(';
      this.error(at, end, arithmetic ? 'arithmetic expansion `$((…))`: write the value itself' : 'command substitution `$(…)`: this file must only set values, not run commands');
      this.i = end;
    } else if (n === '{') {
      const close = t.indexOf('}', at + 2);
      const end = close < 0 ? this.endOfLine(at) : close + 1;
      const name = t.slice(at + 2, close < 0 ? end : close);
      if (close >= 0 && NAME.test(name)) this.expand(name, at, end, add);
      else this.error(at, end, 'only `$NAME` and `${NAME}` expansions are understood here: write the value itself');
      this.i = end;
    } else if (n !== undefined && /[A-Za-z_]/.test(n)) {
      let end = at + 2;
      while (end < t.length && /[A-Za-z0-9_]/.test(t[end])) end++;
      this.expand(t.slice(at + 1, end), at, end, add);
      this.i = end;
    } else if (n !== undefined && /[0-9@*#?$!-]/.test(n)) {
      this.error(at, at + 2, `\`$${n}\` is a special shell parameter whose value depends on how post-install runs: write the value itself`);
      this.i = at + 2;
    } else {
      add('$', at); // a lone `$` is literal
      this.i++;
    }
  }

  private expand(name: string, start: number, end: number, add: (s: string, at: number) => void): void {
    const v = this.vars.get(name);
    if (v === undefined) this.error(start, end, `\`${name}\` is not set earlier in this file: its value would come from the guest's environment`);
    else add(v, start);
  }

  private backtick(): void {
    const t = this.text;
    const close = t.indexOf('`', this.i + 1);
    const end = close < 0 ? this.endOfLine(this.i) : close + 1;
    this.error(this.i, end, 'command substitution with backticks: this file must only set values, not run commands');
    this.i = end;
  }

  /** Offset after the bracket matching the one at `open`, or the end of its line. */
  private matching(open: number, o: string, c: string): number {
    let depth = 0;
    for (let j = open; j < this.text.length; j++) {
      const ch = this.text[j];
      if (ch === o) depth++;
      else if (ch === c && --depth === 0) return j + 1;
      else if (ch === '\n' || ch === '\r') return j;
    }
    return this.text.length;
  }
}

/** Parses the text of a common/network file. Never throws. */
export function parseNetworkFile(text: string): NetworkFile {
  const r = new Reader(text);
  const assignments: NetworkAssignment[] = [];
  let lineStart = 0;
  while (r.i <= text.length) {
    r.skipBlanks();
    if (r.i >= text.length) break;
    const c = text[r.i];
    if (c === '\n' || c === '\r') {
      r.i += r.lineBreakLength(r.i);
      lineStart = r.i;
      continue;
    }
    if (c === '#') {
      r.i = r.endOfLine(r.i);
      continue;
    }
    if (c === ';') {
      r.error(r.i, r.i + 1, 'a `;` with nothing before it is a shell syntax error');
      r.i++;
      continue;
    }
    // One statement: words up to the end of the line, `;` or a comment.
    const words: Word[] = [];
    for (;;) {
      r.skipBlanks();
      if (r.atLineEnd() || text[r.i] === ';' || text[r.i] === '#') break;
      words.push(r.word());
    }
    if (text[r.i] === '#') r.i = r.endOfLine(r.i);
    else if (text[r.i] === ';') r.i++;
    const span = { lineStart, lineEnd: r.endOfLine(lineStart) };
    statement(r, words, span, assignments);
  }
  return { text, assignments, errors: r.errors };
}

function statement(r: Reader, words: Word[], span: { lineStart: number; lineEnd: number }, out: NetworkAssignment[]): void {
  let k = 0;
  let exported = false;
  if (words[0]?.raw === 'export') {
    exported = true;
    k = 1;
  }
  const assign = (key: string, keyStart: number, w: Word, valueFrom: number) => {
    const a: NetworkAssignment = {
      key,
      keyStart,
      keyEnd: keyStart + key.length,
      value: w.value.slice(valueFrom),
      valueStart: valueFrom === 0 ? w.start : w.start + key.length + 1,
      valueEnd: w.end,
      valueOffsets: w.offsets.slice(valueFrom),
      exported,
      ...span,
    };
    out.push(a);
    r.vars.set(key, a.value);
  };
  for (; k < words.length; k++) {
    const w = words[k];
    const m = ASSIGNMENT_PREFIX.exec(w.raw);
    if (m) {
      const key = m[1];
      const next = words[k + 1];
      if (w.raw === `${key}=` && next && !ASSIGNMENT_PREFIX.test(next.raw)) {
        // KEY= VALUE: the shell runs VALUE as a command with KEY empty in its environment.
        r.error(w.end, next.start, `no space after \`=\`: the shell would run \`${next.raw}\` as a command`, {
          title: 'Remove the space after =',
          start: w.end,
          end: next.start,
          newText: '',
        });
        assign(key, w.start, next, 0);
        k++;
        continue;
      }
      assign(key, w.start, w, key.length + 1);
      continue;
    }
    const next = words[k + 1];
    if (NAME.test(w.raw) && next?.raw.startsWith('=')) {
      // KEY =VALUE or KEY = VALUE
      const valueWord = next.raw === '=' ? words[k + 2] : undefined;
      const removeEnd = valueWord ? valueWord.start : next.start + 1;
      r.error(w.end, removeEnd, 'no spaces around `=` in a shell assignment: the shell would run the key as a command', {
        title: 'Remove the spaces around =',
        start: w.end,
        end: removeEnd,
        newText: '=',
      });
      if (valueWord) {
        assign(w.raw, w.start, valueWord, 0);
        k += 2;
      } else {
        assign(w.raw, w.start, { ...next, value: next.value.slice(1), offsets: next.offsets.slice(1), start: next.start + 1 }, 0);
        k += 1;
      }
      continue;
    }
    if (exported && NAME.test(w.raw)) continue; // `export NAME` marks an existing variable
    const rest = words.slice(k);
    const shown = rest.map((x) => x.raw).join(' ');
    r.error(
      w.start,
      rest[rest.length - 1].end,
      k === 0 || (exported && k === 1)
        ? `not a KEY=VALUE assignment: the guest's shell would run \`${clip(shown)}\` as a command`
        : `\`${clip(shown)}\` follows the assignment: the shell would run it as a command (quote values that hold spaces)`,
    );
    return;
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/** Splits a list value (NAMESERVER, SEARCH) the way the shell's word splitting does. */
export function listItems(a: Pick<NetworkAssignment, 'value' | 'valueOffsets'>): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = [];
  const re = /[^ \t\n]+/g;
  for (let m = re.exec(a.value); m; m = re.exec(a.value)) {
    const last = m.index + m[0].length - 1;
    out.push({ text: m[0], start: a.valueOffsets[m.index], end: a.valueOffsets[last] + 1 });
  }
  return out;
}

/** The network settings a guest would get; the last assignment of a key wins, as in the shell. */
export function networkSettingsOf(file: NetworkFile): NetworkSettings {
  const last = new Map<string, string>();
  for (const a of file.assignments) last.set(a.key, a.value);
  const ip = (key: string) => {
    const v = last.get(key);
    return v === undefined ? undefined : parseIPv4(v.trim());
  };
  const words = (key: string) => (last.get(key) ?? '').split(/[ \t\n]+/).filter(Boolean);
  return {
    network: ip('NETWORK'),
    netmask: ip('NETMASK'),
    gateway: ip('GATEWAY'),
    broadcast: ip('BROADCAST'),
    nameservers: words('NAMESERVER')
      .map(parseIPv4)
      .filter((n): n is number => n !== undefined),
    domain: last.get('DOMAIN') || undefined,
    search: words('SEARCH'),
  };
}

/** Parses the text of common/network into the project's network settings. */
export function readNetworkSettings(text: string): NetworkSettings {
  return networkSettingsOf(parseNetworkFile(text));
}

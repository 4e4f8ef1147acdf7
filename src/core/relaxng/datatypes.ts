// Datatype libraries: RELAX NG's built-in one (string, token) and XML Schema Part 2's, with
// the facets RELAX NG lets a schema set through <param>. A datatype answers three questions:
// is this text allowed, what is its value (for <value> equality), and how to say what it wants.
import { compileXsdRegex, xsdRegexOf, XsdRegexError, type XsdRegex, type XsdTranslation } from './xsdRegex';

export const XSD_LIBRARY = 'http://www.w3.org/2001/XMLSchema-datatypes';
export const COMPATIBILITY_LIBRARY = 'http://relaxng.org/ns/compatibility/datatypes/1.0';

/** Resolves a prefix ('' for the default namespace) in the context of a value. */
export interface ValueContext {
  resolve(prefix: string): string | undefined;
}

export interface Datatype {
  /** Identity for interning: library, name and parameters. */
  readonly key: string;
  /** As the schema gave them: createDatatype(library, name, params) makes it again (compiled-schema cache). */
  readonly library: string;
  readonly name: string;
  readonly params: readonly Param[];
  /** QName and NOTATION values depend on the namespaces in scope. */
  readonly contextDependent: boolean;
  /** undefined when allowed, else a short reason ("must be an integer"). */
  check(text: string, ctx?: ValueContext): string | undefined;
  /** The value in a canonical string form, or undefined when the text is not allowed. */
  value(text: string, ctx?: ValueContext): string | undefined;
  /** What the datatype wants, for messages: `a string matching the regular expression "..."`. */
  describe(): string;
  /** Its `pattern` parameters translated, in order (kept by the compiled-schema cache). */
  translations(): XsdTranslation[];
}

export class DatatypeError extends Error {}

export interface Param {
  name: string;
  value: string;
}

const collapse = (s: string) => (isCollapsed(s) ? s : s.replace(/[ \t\n\r]+/g, ' ').replace(/^ | $/g, ''));

/** No tab, newline or CR, no space at either end or next to another: collapsing changes nothing
 *  (most values; the replacements would make two strings each). */
function isCollapsed(s: string): boolean {
  const last = s.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = s.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || (c === 32 && (i === 0 || i === last || s.charCodeAt(i + 1) === 32))) return false;
  }
  return true;
}
const replaceWs = (s: string) => s.replace(/[\t\n\r]/g, ' ');

/** Base types: lexical check + canonical value + whitespace rule + how to measure length. */
interface Base {
  ws: 'preserve' | 'replace' | 'collapse';
  /** Canonical value of the whitespace-normalized text, or undefined if not in the lexical space. */
  parse(s: string, ctx?: ValueContext): string | undefined;
  what: string;
  /** Shorter than `what`, for facet messages ("an integer less than ..."). */
  noun?: string;
  order?: 'decimal' | 'float' | 'date';
  length?: (v: string, s: string) => number;
  bounds?: [bigint | undefined, bigint | undefined];
  contextDependent?: boolean;
}

const NCNAME = /^[\p{L}_][\p{L}\p{N}\p{M}._\u00b7-]*$/u;
const NAME = /^[\p{L}_:][\p{L}\p{N}\p{M}._:\u00b7-]*$/u;
const NMTOKEN = /^[\p{L}\p{N}\p{M}._:\u00b7-]+$/u;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/;
const TZ = '(Z|[+-](0\\d|1[0-3]):[0-5]\\d|[+-]14:00)?';
const DATE = '-?([1-9]\\d{3,}|0\\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
const TIME = '([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d+)?';
const re = (s: string) => new RegExp(`^${s}$`);

function canonicalDecimal(s: string): string {
  let neg = s.startsWith('-');
  s = s.replace(/^[+-]/, '');
  let [i, f = ''] = s.split('.');
  i = i.replace(/^0+/, '') || '0';
  f = f.replace(/0+$/, '');
  if (i === '0' && f === '') neg = false;
  return (neg ? '-' : '') + i + (f ? '.' + f : '');
}

/** Compares canonical decimals without losing precision. */
export function compareDecimal(a: string, b: string): number {
  const na = a.startsWith('-');
  const nb = b.startsWith('-');
  if (na !== nb) return na ? -1 : 1;
  const sign = na ? -1 : 1;
  const [ai, af = ''] = a.replace('-', '').split('.');
  const [bi, bf = ''] = b.replace('-', '').split('.');
  if (ai.length !== bi.length) return sign * (ai.length - bi.length > 0 ? 1 : -1);
  if (ai !== bi) return sign * (ai > bi ? 1 : -1);
  const w = Math.max(af.length, bf.length);
  const fa = af.padEnd(w, '0');
  const fb = bf.padEnd(w, '0');
  return fa === fb ? 0 : sign * (fa > fb ? 1 : -1);
}

const lexical = (rx: RegExp, what: string, ws: Base['ws'] = 'collapse'): Base => ({
  ws,
  what,
  parse: (s) => (rx.test(s) ? s : undefined),
});

function integer(what: string, lo?: bigint, hi?: bigint): Base {
  return {
    ws: 'collapse',
    what,
    noun: 'an integer',
    order: 'decimal',
    bounds: [lo, hi],
    parse: (s) => {
      if (!INTEGER.test(s)) return undefined;
      const v = BigInt(s);
      if ((lo !== undefined && v < lo) || (hi !== undefined && v > hi)) return undefined;
      return v.toString();
    },
  };
}

const floatBase = (what: string): Base => ({
  ws: 'collapse',
  what,
  order: 'float',
  parse: (s) => {
    if (!FLOAT.test(s)) return undefined;
    const n = s === 'INF' ? Infinity : s === '-INF' ? -Infinity : Number(s);
    return Number.isNaN(n) ? 'NaN' : String(n);
  },
});

function qnameBase(what: string): Base {
  return {
    ws: 'collapse',
    what,
    contextDependent: true,
    parse: (s, ctx) => {
      const m = /^(?:([^:]+):)?([^:]+)$/.exec(s);
      if (!m || !NCNAME.test(m[2]) || (m[1] !== undefined && !NCNAME.test(m[1]))) return undefined;
      const uri = ctx ? ctx.resolve(m[1] ?? '') : m[1] === undefined ? '' : undefined;
      if (uri === undefined) return m[1] === undefined ? `{}${m[2]}` : undefined;
      return `{${uri}}${m[2]}`;
    },
  };
}

const chars = (_v: string, s: string) => Array.from(s).length;
const items = (_v: string, s: string) => (s === '' ? 0 : s.split(' ').length);

function list(rx: RegExp, what: string): Base {
  return {
    ws: 'collapse',
    what,
    length: items,
    parse: (s) => (s !== '' && s.split(' ').every((t) => rx.test(t)) ? s : undefined),
  };
}

const XSD: Record<string, Base> = {
  string: { ws: 'preserve', what: 'a string', parse: (s) => s },
  normalizedString: { ws: 'replace', what: 'a string', parse: (s) => s },
  token: { ws: 'collapse', what: 'a token', parse: (s) => s },
  language: lexical(/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/, 'a language tag'),
  Name: lexical(NAME, 'an XML name'),
  NCName: lexical(NCNAME, 'an XML name without colon'),
  NMTOKEN: lexical(NMTOKEN, 'an XML name token'),
  NMTOKENS: list(NMTOKEN, 'a list of XML name tokens'),
  ID: lexical(NCNAME, 'an XML name without colon'),
  IDREF: lexical(NCNAME, 'an XML name without colon'),
  IDREFS: list(NCNAME, 'a list of XML names without colon'),
  ENTITY: lexical(NCNAME, 'an XML name without colon'),
  ENTITIES: list(NCNAME, 'a list of XML names without colon'),
  anyURI: { ws: 'collapse', what: 'a URI', parse: (s) => s },
  QName: qnameBase('a qualified name'),
  NOTATION: qnameBase('a qualified name'),
  boolean: {
    ws: 'collapse',
    what: '"true", "false", "1" or "0"',
    parse: (s) => (s === 'true' || s === '1' ? 'true' : s === 'false' || s === '0' ? 'false' : undefined),
  },
  decimal: { ws: 'collapse', what: 'a decimal number', order: 'decimal', parse: (s) => (DECIMAL.test(s) ? canonicalDecimal(s) : undefined) },
  integer: integer('an integer'),
  nonPositiveInteger: integer('an integer ≤ 0', undefined, 0n),
  negativeInteger: integer('an integer < 0', undefined, -1n),
  nonNegativeInteger: integer('an integer ≥ 0', 0n),
  positiveInteger: integer('an integer > 0', 1n),
  long: integer('an integer (64-bit)', -(2n ** 63n), 2n ** 63n - 1n),
  int: integer('an integer (32-bit)', -(2n ** 31n), 2n ** 31n - 1n),
  short: integer('an integer from -32768 to 32767', -32768n, 32767n),
  byte: integer('an integer from -128 to 127', -128n, 127n),
  unsignedLong: integer('an integer from 0 to 18446744073709551615', 0n, 2n ** 64n - 1n),
  unsignedInt: integer('an integer from 0 to 4294967295', 0n, 2n ** 32n - 1n),
  unsignedShort: integer('an integer from 0 to 65535', 0n, 65535n),
  unsignedByte: integer('an integer from 0 to 255', 0n, 255n),
  double: floatBase('a number'),
  float: floatBase('a number'),
  dateTime: { ...lexical(re(`${DATE}T${TIME}${TZ}`), 'a date and time (YYYY-MM-DDThh:mm:ss)'), order: 'date' },
  date: { ...lexical(re(`${DATE}${TZ}`), 'a date (YYYY-MM-DD)'), order: 'date' },
  time: lexical(re(`${TIME}${TZ}`), 'a time (hh:mm:ss)'),
  gYear: lexical(re(`-?([1-9]\\d{3,}|0\\d{3})${TZ}`), 'a year'),
  gYearMonth: lexical(re(`-?([1-9]\\d{3,}|0\\d{3})-(0[1-9]|1[0-2])${TZ}`), 'a year and month'),
  gMonth: lexical(re(`--(0[1-9]|1[0-2])${TZ}`), 'a month (--MM)'),
  gMonthDay: lexical(re(`--(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])${TZ}`), 'a month and day (--MM-DD)'),
  gDay: lexical(re(`---(0[1-9]|[12]\\d|3[01])${TZ}`), 'a day (---DD)'),
  duration: lexical(/^-?P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, 'a duration (PnYnMnDTnHnMnS)'),
  hexBinary: { ...lexical(/^([0-9a-fA-F]{2})*$/, 'hexadecimal octets'), length: (_v, s) => s.length / 2 },
  base64Binary: {
    ...lexical(/^(([A-Za-z0-9+/] ?){4})*(([A-Za-z0-9+/] ?){2}([AEIMQUYcgkosw048] ?)=|[A-Za-z0-9+/] ?[AQgw] ?= ?=)?$/, 'base64 data'),
    length: (_v, s) => {
      const t = s.replace(/ /g, '');
      return (t.length / 4) * 3 - (t.endsWith('==') ? 2 : t.endsWith('=') ? 1 : 0);
    },
  },
};

function compareValues(order: Base['order'], a: string, b: string): number {
  if (order === 'decimal') return compareDecimal(a, b);
  if (order === 'float') return Number(a) - Number(b);
  return Date.parse(a) - Date.parse(b);
}

const BOUNDS = ['minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive'];
const LENGTHS = ['length', 'minLength', 'maxLength'];
const quote = (s: string) => `"${s}"`;

function builtin(name: string, params: Param[]): Datatype {
  if (name !== 'string' && name !== 'token') throw new DatatypeError(`unknown datatype "${name}" in the built-in library (only "string" and "token")`);
  if (params.length) throw new DatatypeError(`the built-in datatype "${name}" takes no parameters`);
  const norm = name === 'token' ? collapse : (s: string) => s;
  return {
    key: `|${name}`,
    library: '',
    name,
    params,
    contextDependent: false,
    check: () => undefined,
    value: norm,
    describe: () => (name === 'token' ? 'a token' : 'a string'),
    translations: () => [],
  };
}

interface PatternFacet {
  rx: XsdRegex | undefined;
  src: string;
  /** From the compiled-schema cache: what compiling `src` made. */
  tr: XsdTranslation | undefined;
}

/** A pattern facet's matcher, made on first use. */
function regexOf(p: PatternFacet): XsdRegex {
  return (p.rx ??= (p.tr && xsdRegexOf(p.src, p.tr)) || compileXsdRegex(p.src));
}

function xsd(library: string, name: string, params: Param[], compiled: boolean, translations: readonly XsdTranslation[] | undefined): Datatype {
  const base = XSD[name];
  if (!base) throw new DatatypeError(`unknown datatype "${name}" in the XML Schema library`);
  const norm = base.ws === 'collapse' ? collapse : base.ws === 'replace' ? replaceWs : (s: string) => s;
  const patterns: PatternFacet[] = [];
  const bounds: Array<{ facet: string; v: string }> = [];
  const lengths: Array<{ facet: string; n: number }> = [];
  for (const p of params) {
    if (p.name === 'pattern') {
      try {
        // From a compiled schema the expression is known to be valid: its matcher is made on
        // first use, from the translation the schema's compile made when the cache kept it.
        patterns.push({ rx: compiled ? undefined : compileXsdRegex(p.value), src: p.value, tr: compiled ? translations?.[patterns.length] : undefined });
      } catch (e) {
        throw new DatatypeError(e instanceof XsdRegexError ? `invalid regular expression: ${e.message}` : String(e));
      }
    } else if (BOUNDS.includes(p.name)) {
      if (!base.order) throw new DatatypeError(`facet "${p.name}" does not apply to "${name}"`);
      const v = base.parse(collapse(p.value));
      if (v === undefined) throw new DatatypeError(`"${p.value}" is not a valid value of "${name}" for facet "${p.name}"`);
      bounds.push({ facet: p.name, v });
    } else if (LENGTHS.includes(p.name)) {
      if (base.order || name === 'boolean') throw new DatatypeError(`facet "${p.name}" does not apply to "${name}"`);
      if (!/^\s*\d+\s*$/.test(p.value)) throw new DatatypeError(`facet "${p.name}" needs a non-negative integer, not "${p.value}"`);
      lengths.push({ facet: p.name, n: Number(p.value) });
    } else if (p.name === 'totalDigits' || p.name === 'fractionDigits') {
      if (base.order !== 'decimal') throw new DatatypeError(`facet "${p.name}" does not apply to "${name}"`);
      bounds.push({ facet: p.name, v: p.value.trim() });
    } else if (p.name === 'enumeration' || p.name === 'whiteSpace') {
      throw new DatatypeError(`facet "${p.name}" is not allowed in RELAX NG (use <value> or <choice> instead)`);
    } else {
      throw new DatatypeError(`unknown facet "${p.name}" for "${name}"`);
    }
  }
  const measure = base.length ?? chars;
  const noun = base.noun ?? base.what;
  const check = (text: string, ctx?: ValueContext): string | undefined => {
    const s = norm(text);
    const v = base.parse(s, ctx);
    if (v === undefined) return `must be ${base.what}`;
    // Indexed loops: a for-of not yet optimized makes an iterator and a result per step.
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i];
      if (!regexOf(p).test(s)) return `must be a string matching the regular expression ${quote(p.src)}`;
    }
    for (let i = 0; i < lengths.length; i++) {
      const l = lengths[i];
      const n = measure(v, s);
      if (l.facet === 'length' && n !== l.n) return `must be ${noun} with length ${l.n} (actual length ${n})`;
      if (l.facet === 'minLength' && n < l.n) return `must be ${noun} with length at least ${l.n} (actual length ${n})`;
      if (l.facet === 'maxLength' && n > l.n) return `must be ${noun} with length at most ${l.n} (actual length ${n})`;
    }
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i];
      if (b.facet === 'totalDigits' || b.facet === 'fractionDigits') {
        const [i, f = ''] = v.replace('-', '').split('.');
        const digits = b.facet === 'totalDigits' ? (i === '0' ? 0 : i.length) + f.length : f.length;
        if (digits > Number(b.v)) return `must have at most ${b.v} ${b.facet === 'totalDigits' ? 'digits' : 'fraction digits'}`;
        continue;
      }
      const c = compareValues(base.order, v, b.v);
      if (Number.isNaN(c)) return `must be comparable with ${b.v}`;
      if (b.facet === 'minInclusive' && c < 0) return `must be ${noun} greater than or equal to ${b.v}`;
      if (b.facet === 'maxInclusive' && c > 0) return `must be ${noun} less than or equal to ${b.v}`;
      if (b.facet === 'minExclusive' && c <= 0) return `must be ${noun} greater than ${b.v}`;
      if (b.facet === 'maxExclusive' && c >= 0) return `must be ${noun} less than ${b.v}`;
    }
    return undefined;
  };
  const describe = () => {
    if (patterns.length) return `a string matching the regular expression ${quote(patterns[0].src)}`;
    const words: Record<string, string> = {
      minInclusive: '≥', maxInclusive: '≤', minExclusive: '>', maxExclusive: '<', length: 'with length', minLength: 'with length at least', maxLength: 'with length at most', totalDigits: 'with at most digits:', fractionDigits: 'with at most fraction digits:',
    };
    return [base.what, ...bounds.map((b) => `${words[b.facet]} ${b.v}`), ...lengths.map((l) => `${words[l.facet]} ${l.n}`)].join(' ');
  };
  return {
    key: `${XSD_LIBRARY}|${name}|${params.map((p) => `${p.name}=${p.value}`).join('\u0000')}`,
    library,
    name,
    params,
    contextDependent: !!base.contextDependent,
    check,
    value: (text, ctx) => (check(text, ctx) === undefined ? base.parse(norm(text), ctx) : undefined),
    describe,
    translations: () =>
      patterns.map((p) => {
        const rx = regexOf(p);
        return [rx.source, rx.matcher] as const;
      }),
  };
}

const cache = new Map<string, Datatype>();

/**
 * Looks up a datatype; throws DatatypeError for an unknown library, type or facet. `compiled`:
 * the parameters come from a schema that compiled (the compiled-schema cache), so regular
 * expressions are translated when first used instead of now, or taken from `translations` (what
 * `translations()` gave when the cache entry was written).
 */
export function createDatatype(library: string, name: string, params: Param[] = [], compiled = false, translations?: readonly XsdTranslation[]): Datatype {
  const key = `${library}|${name}|${params.map((p) => `${p.name}=${p.value}`).join('\u0000')}${compiled ? '\u0000compiled' : ''}`;
  let dt = cache.get(key);
  if (dt) return dt;
  if (library === '') dt = builtin(name, params);
  else if (library === XSD_LIBRARY || library === XSD_LIBRARY.replace(/-datatypes$/, '')) dt = xsd(library, name, params, compiled, translations);
  else if (library === COMPATIBILITY_LIBRARY) {
    // DTD Compatibility section 5: ID, IDREF and IDREFS, as XML Schema has them (facets too, as Jing).
    if (name !== 'ID' && name !== 'IDREF' && name !== 'IDREFS') throw new DatatypeError(`unknown datatype "${name}" in the DTD compatibility library (it has ID, IDREF and IDREFS)`);
    dt = xsd(library, name, params, compiled, translations);
  } else throw new DatatypeError(`unknown datatype library "${library}"`);
  if (cache.size < 10000) cache.set(key, dt);
  return dt;
}

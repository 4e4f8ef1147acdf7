// The test oracle: the saxes-based XML reader that src/core/xml replaced, kept to hold the new
// parser to saxes' verdicts and trees (differential.test.ts). Same types as src/core/xml/parse.ts;
// no cache, no helpers.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { LineIndex } from '../../../src/core/common/text';
import type { ParseOptions, Span, XmlAttribute, XmlDocument, XmlElement } from '../../../src/core/xml/parse';

const DEFAULT_MAX_DEPTH = 2000;

export function parseXml(text: string, options: ParseOptions = {}): XmlDocument {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let error: XmlDocument['error'];
  let pendingAttributes: XmlAttribute[] = [];
  let pending: XmlElement | undefined;
  // End offset of the last markup construct; text starts there.
  let cursor = 0;

  const fail = (message: string, span: Span) => {
    if (!error) error = { message, span };
    throw new StopParsing();
  };

  parser.on('opentagstart', (tag) => {
    const p = parser.position;
    const start = text.lastIndexOf('<' + tag.name, p);
    const nameStart = start + 1;
    const parent = stack[stack.length - 1];
    const [prefix, local] = splitName(tag.name);
    pending = {
      kind: 'element',
      name: tag.name,
      local,
      prefix,
      uri: '',
      attributes: [],
      children: [],
      parent,
      span: { start, end: text.length },
      startTag: { start, end: text.length },
      nameSpan: { start: nameStart, end: nameStart + tag.name.length },
      selfClosing: false,
      closed: false,
    };
    pendingAttributes = [];
  });

  parser.on('attribute', (attr) => {
    const end = parser.position;
    const quote = text[end - 1];
    const valueEnd = end - 1;
    const valueStart = text.lastIndexOf(quote, valueEnd - 1) + 1;
    let i = valueStart - 2;
    while (i >= 0 && isSpace(text[i])) i--; // before the opening quote
    // text[i] is '='
    i--;
    while (i >= 0 && isSpace(text[i])) i--;
    const nameEnd = i + 1;
    const nameStart = nameEnd - attr.name.length;
    pendingAttributes.push({
      name: attr.name,
      local: (attr as { local?: string }).local ?? splitName(attr.name)[1],
      prefix: (attr as { prefix?: string }).prefix ?? splitName(attr.name)[0],
      uri: '',
      value: attr.value,
      span: { start: nameStart, end },
      nameSpan: { start: nameStart, end: nameEnd },
      valueSpan: { start: valueStart, end: valueEnd },
    });
  });

  parser.on('opentag', (tag: SaxesTagNS) => {
    const el = pending!;
    pending = undefined;
    el.startTag.end = parser.position;
    el.uri = tag.uri ?? '';
    el.selfClosing = !!tag.isSelfClosing;
    for (const a of pendingAttributes) {
      a.uri = tag.attributes[a.name]?.uri ?? '';
    }
    el.attributes = pendingAttributes;
    cursor = parser.position;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    if (!tag.isSelfClosing) {
      if (stack.length >= maxDepth) fail(`elements nested deeper than ${maxDepth} levels`, el.nameSpan);
      stack.push(el);
    } else {
      el.span.end = parser.position;
      el.closed = true;
    }
  });

  parser.on('closetag', (tag) => {
    if (tag.isSelfClosing) return; // handled in opentag
    const el = stack.pop();
    if (!el) return;
    const end = parser.position;
    const start = text.lastIndexOf('</', end);
    const written = /^<\/\s*([^\s>]+)/.exec(text.slice(start, end))?.[1];
    if (written !== undefined && written !== el.name) {
      // saxes closes the inner element implicitly and reports later; say what is really wrong.
      const line = new LineIndex(text.slice(0, el.startTag.start + 1)).lineCount;
      fail(
        `closing tag </${written}> does not match the open element <${el.name}> (line ${line}): add </${el.name}> before it`,
        { start: start + 2, end: start + 2 + written.length },
      );
    }
    el.endTag = { start, end };
    el.span.end = end;
    el.closed = true;
    cursor = end;
  });

  const onText = (value: string) => {
    const p = parser.position;
    const end = text[p - 1] === '<' ? p - 1 : p;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push({ kind: 'text', value, span: { start: cursor, end }, parent });
    cursor = end;
  };
  parser.on('text', onText);
  parser.on('cdata', (value) => {
    const end = parser.position;
    const start = text.lastIndexOf('<![CDATA[', end);
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push({ kind: 'text', value, span: { start, end }, parent });
    cursor = end;
  });
  for (const ev of ['comment', 'processinginstruction', 'doctype', 'xmldecl'] as const) {
    parser.on(ev, () => {
      cursor = parser.position;
    });
  }

  parser.on('error', (e) => {
    const p = Math.min(parser.position, text.length);
    fail(describeSaxesError(e.message, stack, text, p), errorSpan(text, p));
  });

  try {
    parser.write(text).close();
  } catch (e) {
    if (!(e instanceof StopParsing)) throw e;
  }
  if (!error && !root) error = { message: 'the document has no root element', span: { start: 0, end: Math.min(1, text.length) } };
  return { text, lines: new LineIndex(text), root, error };
}

class StopParsing extends Error {}

/** Turns saxes' terse messages into ones that say what is wrong and where it started. */
function describeSaxesError(raw: string, stack: XmlElement[], text: string, at: number): string {
  const msg = raw.replace(/^[^:]*:\d+:\d+: /, '').replace(/\.$/, '');
  const open = stack[stack.length - 1];
  if (/unexpected close tag/.test(msg) && open) {
    const closing = /^<\/\s*([^\s>]+)/.exec(text.slice(text.lastIndexOf('</', at)))?.[1];
    return `closing tag </${closing ?? '?'}> does not match the open element <${open.name}>: add </${open.name}> before it`;
  }
  if (/unclosed tag/.test(msg) && open) {
    return `element <${open.name}> is never closed: add </${open.name}>`;
  }
  if (/undefined entity/.test(msg)) {
    return `${msg}: declare it in the DTD, or write the text or a character reference (&#...;) instead`;
  }
  return msg;
}

/** A short, visible range at the error: the rest of the token, at least one character. */
function errorSpan(text: string, at: number): Span {
  if (at >= text.length) {
    // At the end of the document: point at the last non-blank character.
    let s = text.length;
    while (s > 0 && isSpace(text[s - 1])) s--;
    return { start: Math.max(0, s - 1), end: s };
  }
  const start = Math.max(0, at - 1);
  return { start, end: start + 1 };
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function splitName(name: string): [string, string] {
  const i = name.indexOf(':');
  return i < 0 ? ['', name] : [name.slice(0, i), name.slice(i + 1)];
}

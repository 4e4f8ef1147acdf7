// Damaged variants of an XML text for differential tests: elements and attributes deleted,
// duplicated and renamed, values and text changed, lines swapped, the text cut short.
// Deterministic (given a seeded generator, helpers/random.ts), so a failure names the variant that shows it.

const START_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /\s+([\w.:-]+)\s*=\s*("[^"]*"|'[^']*')/g;

function all(re: RegExp, text: string): RegExpExecArray[] {
  re.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m);
  return out;
}

/** One variant of `text`, chosen by `random`, with a short description of the change. */
export function mutate(text: string, random: () => number): { text: string; what: string } {
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(random() * xs.length)] : undefined);
  const splice = (start: number, end: number, by: string) => text.slice(0, start) + by + text.slice(end);
  const tags = all(START_TAG, text);
  const tag = pick(tags);
  const kind = Math.floor(random() * 10);
  if (!tag || kind === 0) {
    const at = Math.floor(random() * text.length);
    return { text: text.slice(0, at), what: `cut at ${at}` };
  }
  const name = tag[1];
  const attrs = all(ATTRIBUTE, tag[2]);
  const attr = pick(attrs);
  const attrAt = attr ? tag.index + 1 + name.length + attr.index : 0;
  switch (kind) {
    case 1: {
      // The element and its content, up to the matching end tag (same name, first one after it).
      const close = `</${name}>`;
      const end = tag[3] ? tag.index + tag[0].length : text.indexOf(close, tag.index);
      const stop = end < 0 ? tag.index + tag[0].length : tag[3] ? end : end + close.length;
      return { text: splice(tag.index, stop, ''), what: `delete <${name}> at ${tag.index}` };
    }
    case 2: {
      const close = `</${name}>`;
      const end = tag[3] ? tag.index + tag[0].length : text.indexOf(close, tag.index) + close.length;
      const element = text.slice(tag.index, end < tag.index ? tag.index + tag[0].length : end);
      return { text: splice(tag.index, tag.index, element), what: `duplicate <${name}> at ${tag.index}` };
    }
    case 3: {
      // Every element of that name renamed, start and end tags alike.
      const to = random() < 0.5 ? `${name}x` : (pick(tags)?.[1] ?? name);
      return { text: text.split(`<${name}`).join(`<${to}`).split(`</${name}>`).join(`</${to}>`), what: `rename <${name}> to <${to}>` };
    }
    case 4:
      return attr ? { text: splice(attrAt, attrAt + attr[0].length, ''), what: `delete attribute ${attr[1]} at ${attrAt}` } : { text, what: 'none' };
    case 5:
      return attr ? { text: splice(attrAt, attrAt, ` ${attr[1]}x=${attr[2]}`), what: `add attribute ${attr[1]}x at ${attrAt}` } : { text, what: 'none' };
    case 6: {
      if (!attr) return { text, what: 'none' };
      const values = ['', 'bogus', '-1', '99999999999', ' yes ', 'on', '&amp;', '&lt;x', '1.5', 'a b'];
      const v = pick(values)!;
      const q = attr[2][0];
      return { text: splice(attrAt, attrAt + attr[0].length, ` ${attr[1]}=${q}${v}${q}`), what: `value of ${attr[1]} at ${attrAt} to "${v}"` };
    }
    case 7: {
      const at = tag.index + tag[0].length;
      const texts = ['text', ' ', '\n  x', '<![CDATA[cd]]>', '<!-- c -->', '&#65;', '<x/>', '12'];
      const t = pick(texts)!;
      return { text: splice(at, at, t), what: `insert ${JSON.stringify(t)} at ${at}` };
    }
    case 8: {
      const lines = text.split('\n');
      const i = Math.floor(random() * lines.length);
      const j = Math.floor(random() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return { text: lines.join('\n'), what: `swap lines ${i + 1} and ${j + 1}` };
    }
    default: {
      const lines = text.split('\n');
      const i = Math.floor(random() * lines.length);
      lines.splice(i, random() < 0.5 ? 1 : 0, ...(random() < 0.5 ? [] : [lines[i] ?? '']));
      return { text: lines.join('\n'), what: `line ${i + 1} deleted or doubled` };
    }
  }
}

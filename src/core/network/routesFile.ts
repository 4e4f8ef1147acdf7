// Reads context/common/routes: lines in /etc/network/interfaces option form
// (`up route add -net ADDR netmask MASK gw GW`, `up ip route add PREFIX via GW`), parsed by the
// grammar in schemas/routes.schema.json. Template placeholders (`<<name>>`) stand for any word
// so the rest of a half-filled line is still checked.
import { closestMatch } from '../common/suggest';
import { routesSchema, type RouteArgumentType, type RouteCommandSchema } from './schemas';

/** A word of a line; offsets are into the whole text. */
export interface RouteToken {
  text: string;
  start: number;
  end: number;
}

export interface RouteArgument {
  keyword?: RouteToken;
  value: RouteToken;
  type: RouteArgumentType;
}

export interface RouteLine {
  /** 0-based line number. */
  line: number;
  /** Span of the line's text without its line break. */
  start: number;
  end: number;
  tokens: RouteToken[];
  phase?: RouteToken;
  command?: RouteToken;
  action?: RouteToken;
  /** `-net`, `-host` or `default`, when written. */
  destinationKeyword?: RouteToken;
  destination?: RouteArgument;
  options: Array<RouteArgument & { keyword: RouteToken }>;
  /** Every `<<name>>` placeholder of the line. */
  placeholders: RouteToken[];
  /** The line parsed without syntax errors. */
  complete: boolean;
}

export interface RoutesSyntaxError {
  start: number;
  end: number;
  message: string;
  fix?: { title: string; start: number; end: number; newText: string };
}

export interface RoutesFile {
  lines: RouteLine[];
  errors: RoutesSyntaxError[];
}

const PLACEHOLDER = /<<[^<>\r\n]*>>/g;

export function hasPlaceholder(t: RouteToken): boolean {
  return t.text.includes('<<') && /<<[^<>]*>>/.test(t.text);
}

/** Splits text into lines with their offsets. */
export function linesOf(text: string): Array<{ line: number; start: number; end: number }> {
  const out: Array<{ line: number; start: number; end: number }> = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  let line = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ line: line++, start, end: m.index });
    start = m.index + m[0].length;
  }
  out.push({ line, start, end: text.length });
  return out;
}

export function tokensOf(text: string, start: number, end: number): RouteToken[] {
  const out: RouteToken[] = [];
  const re = /[^ \t]+/g;
  const s = text.slice(start, end);
  for (let m = re.exec(s); m; m = re.exec(s)) out.push({ text: m[0], start: start + m.index, end: start + m.index + m[0].length });
  return out;
}

/** Parses a routes file. Never throws. */
export function parseRoutesFile(text: string): RoutesFile {
  const lines: RouteLine[] = [];
  const errors: RoutesSyntaxError[] = [];
  for (const l of linesOf(text)) {
    let tokens = tokensOf(text, l.start, l.end);
    if (tokens.length === 0 || tokens[0].text.startsWith('#')) continue;
    const comment = tokens.findIndex((t) => t.text.startsWith('#'));
    if (comment > 0) {
      errors.push({
        start: tokens[comment].start,
        end: l.end,
        message: 'ifupdown has no end-of-line comments: this text would be passed to the command; put the comment on a line of its own',
        fix: { title: 'Remove the comment', start: tokens[comment - 1].end, end: l.end, newText: '' },
      });
      tokens = tokens.slice(0, comment);
    }
    const placeholders: RouteToken[] = [];
    const lineText = text.slice(l.start, l.end);
    for (const m of lineText.matchAll(PLACEHOLDER)) placeholders.push({ text: m[0], start: l.start + m.index!, end: l.start + m.index! + m[0].length });
    const route: RouteLine = { line: l.line, start: l.start, end: l.end, tokens, options: [], placeholders, complete: false };
    route.complete = parseLine(route, tokens, errors);
    lines.push(route);
  }
  return { lines, errors };
}

/** Fills `route` from its tokens; false after the first syntax error. */
function parseLine(route: RouteLine, tokens: RouteToken[], errors: RoutesSyntaxError[]): boolean {
  const err = (t: RouteToken, message: string, fix?: RoutesSyntaxError['fix']) => {
    errors.push({ start: t.start, end: t.end, message, ...(fix ? { fix } : {}) });
    return false;
  };
  const matches = (t: RouteToken, word: string) => t.text === word || hasPlaceholder(t);
  const phases = Object.keys(routesSchema.phases);
  const commands = Object.keys(routesSchema.commands);
  let k = 0;

  const first = tokens[k];
  if (commands.includes(first.text)) {
    // A bare command: post-install would write it into the stanza where ifupdown rejects it.
    err(first, `missing phase: write \`up ${first.text} …\` (one of ${phases.join(', ')})`, { title: 'Run it on up', start: first.start, end: first.start, newText: 'up ' });
  } else {
    if (!hasPlaceholder(first) && !phases.includes(first.text)) {
      const guess = closestMatch(first.text, phases);
      return err(first, `unknown phase ${first.text}: expected ${phases.join(', ')}${guess ? ` — did you mean ${guess}?` : ''}`, guess ? replaceWith(first, guess) : undefined);
    }
    route.phase = first;
    k++;
  }

  const commandToken = tokens[k];
  if (!commandToken) return err(first, `\`${first.text}\` needs a command: \`route …\` or \`ip route …\``);
  const commandName = hasPlaceholder(commandToken) ? undefined : commandToken.text;
  const command: RouteCommandSchema | undefined = commandName ? routesSchema.commands[commandName] : undefined;
  if (commandName && !command) {
    const guess = closestMatch(commandName, commands);
    return err(commandToken, `unknown command ${commandName}: expected ${commands.join(' or ')}${guess ? ` — did you mean ${guess}?` : ''}`, guess ? replaceWith(commandToken, guess) : undefined);
  }
  route.command = commandToken;
  k++;
  if (!command) return route.placeholders.length > 0; // a placeholder command: nothing more to check

  for (const w of command.words) {
    const t = tokens[k];
    if (!t) return err(tokens[k - 1], `expected \`${w}\` after \`${tokens[k - 1].text}\``);
    if (!matches(t, w)) return err(t, `expected \`${w}\`, not \`${t.text}\` (\`${commandName} ${[...command.words].join(' ')} add|del …\`)`, closestMatch(t.text, [w]) ? replaceWith(t, w) : undefined);
    k++;
  }

  const actions = Object.keys(command.actions);
  const actionToken = tokens[k];
  if (!actionToken) return err(tokens[k - 1], `expected ${actions.join(' or ')} after \`${tokens[k - 1].text}\``);
  if (!hasPlaceholder(actionToken) && !actions.includes(actionToken.text)) {
    const guess = closestMatch(actionToken.text, actions);
    return err(actionToken, `expected ${actions.join(' or ')}, not \`${actionToken.text}\``, guess ? replaceWith(actionToken, guess) : undefined);
  }
  route.action = actionToken;
  k++;

  const dest = tokens[k];
  if (!dest) return err(actionToken, `\`${actionToken.text}\` needs a destination`);
  const keyword = command.destination.keywords[dest.text];
  if (keyword) {
    route.destinationKeyword = dest;
    k++;
    if (keyword.argument) {
      const value = tokens[k];
      if (!value) return err(dest, `\`${dest.text}\` needs ${routesSchema.argumentTypes[keyword.argument].label}`);
      route.destination = { value, type: keyword.argument };
      k++;
    }
  } else if (command.options[dest.text]) {
    return err(dest, `\`${dest.text}\` comes after the destination: \`${commandName} ${actionToken.text} ${destinationForms(command)} …\``);
  } else {
    route.destination = { value: dest, type: command.destination.bare };
    k++;
  }

  const optionNames = Object.keys(command.options);
  let ok = true;
  while (k < tokens.length) {
    const t = tokens[k];
    const option = command.options[t.text];
    if (!option) {
      const guess = hasPlaceholder(t) ? undefined : closestMatch(t.text, optionNames);
      ok = err(t, `unexpected \`${t.text}\`: \`${commandName}\` takes ${optionNames.join(', ')} here${guess ? ` — did you mean ${guess}?` : ''}`, guess ? replaceWith(t, guess) : undefined);
      k++;
      continue;
    }
    const value = tokens[k + 1];
    if (!value) {
      ok = err(t, `\`${t.text}\` needs ${routesSchema.argumentTypes[option.argument].label}`);
      break;
    }
    const again = route.options.find((o) => o.keyword.text === t.text);
    if (again) ok = err(t, `\`${t.text}\` is given twice on this line`);
    route.options.push({ keyword: t, value, type: option.argument });
    k += 2;
  }
  return ok;
}

function destinationForms(command: RouteCommandSchema): string {
  const kw = Object.keys(command.destination.keywords);
  return [...kw, routesSchema.argumentTypes[command.destination.bare].label].join('|');
}

function replaceWith(t: RouteToken, text: string): RoutesSyntaxError['fix'] {
  return { title: `Change to ${text}`, start: t.start, end: t.end, newText: text };
}

// The schema as read from RELAX NG XML syntax, after the purely syntactic parts of the spec's
// simplification (section 4: div, include, externalRef, inherited ns/datatypeLibrary, name
// attributes, zeroOrMore/optional/mixed, several children → group). simplify.ts does the rest.
import type { NameClass } from './nameClass';
import type { Span } from '../xml/parse';

export interface Loc {
  file: string;
  span: Span;
}

export type RPattern =
  | { t: 'empty' | 'text' | 'notAllowed'; loc: Loc }
  | { t: 'element' | 'attribute'; nc: NameClass; body: RPattern; loc: Loc }
  | { t: 'group' | 'interleave' | 'choice'; items: RPattern[]; loc: Loc }
  | { t: 'oneOrMore' | 'list'; body: RPattern; loc: Loc }
  | { t: 'data'; lib: string; type: string; params: Array<{ name: string; value: string }>; except?: RPattern; loc: Loc }
  | { t: 'value'; lib: string; type: string; text: string; ns: Map<string, string>; loc: Loc }
  | { t: 'ref' | 'parentRef'; name: string; grammar: Grammar; loc: Loc }
  | { t: 'grammar'; grammar: Grammar; loc: Loc };

export interface Component {
  kind: 'start' | 'define';
  name: string;
  combine?: 'choice' | 'interleave';
  body: RPattern;
  loc: Loc;
}

export interface Grammar {
  parent?: Grammar;
  components: Component[];
  loc: Loc;
}

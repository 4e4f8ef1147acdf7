// Namespaces in XML 1.0 (third edition): QName checks, the in-scope bindings of prefixes, and
// the constraints on declaring them (xml / xmlns reserved, no undeclaring a prefix).
export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** The position of the colon of a QName, -1 for none; -2 when the name is not a QName. */
export function qnameColon(name: string): number {
  const i = name.indexOf(':');
  if (i < 0) return -1;
  if (i === 0 || i === name.length - 1 || name.indexOf(':', i + 1) >= 0) return -2;
  return i;
}

/** Why binding `prefix` ('' for the default namespace) to `uri` is not allowed, if it is not. */
export function bindingError(prefix: string, uri: string): string | undefined {
  if (prefix === 'xml') {
    return uri === XML_NAMESPACE ? undefined : `the prefix xml may only be bound to ${XML_NAMESPACE}`;
  }
  if (prefix === 'xmlns') return 'the prefix xmlns may not be declared';
  if (uri === XMLNS_NAMESPACE) return `no prefix may be bound to ${XMLNS_NAMESPACE}`;
  if (uri === XML_NAMESPACE) return `only the prefix xml may be bound to ${XML_NAMESPACE}`;
  if (uri === '' && prefix !== '') return `xmlns:${prefix}="" is not allowed in XML 1.0: a prefix cannot be undeclared`;
  return undefined;
}

/** In-scope namespace bindings: a stack of (prefix, uri) pairs, innermost last. */
export class NamespaceScope {
  private readonly prefixes: string[] = ['xml', 'xmlns'];
  private readonly uris: string[] = [XML_NAMESPACE, XMLNS_NAMESPACE];

  /** The number of bindings, to restore with popTo when the element that added some ends. */
  get mark(): number {
    return this.prefixes.length;
  }

  bind(prefix: string, uri: string): void {
    this.prefixes.push(prefix);
    this.uris.push(uri);
  }

  popTo(mark: number): void {
    if (this.prefixes.length === mark) return;
    this.prefixes.length = mark;
    this.uris.length = mark;
  }

  /** The URI of a prefix ('' for the default namespace: '' when there is none), undefined when unbound. */
  resolve(prefix: string): string | undefined {
    const { prefixes } = this;
    for (let i = prefixes.length - 1; i >= 0; i--) if (prefixes[i] === prefix) return this.uris[i];
    return prefix === '' ? '' : undefined;
  }
}

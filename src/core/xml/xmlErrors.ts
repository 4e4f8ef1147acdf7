// The first well-formedness error stops the parse: it is thrown from wherever it is found and
// caught once in parse.ts, which keeps the partial tree built so far.

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
    /** The input ran out: a later illegal character, not the end, is then the real error. */
    readonly atEnd = false,
  ) {
    super(message);
  }
}

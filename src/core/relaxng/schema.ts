// A compiled RELAX NG schema: read, simplified and ready for the derivative validator.
import { resolve as resolvePath } from 'node:path';
import { SchemaReader, DepthError, type SchemaLoader, type SchemaProblem } from './reader';
import { Simplifier } from './simplify';
import { K, PatternPool, type ElementDecl, type Pattern } from './patterns';
import { Deriver } from './derive';
import { contains } from './nameClass';
import type { IdTable } from './idTypes';

/** The schema itself is wrong (or unreadable); `problems` say where. */
export class RngSchemaError extends Error {
  constructor(readonly problems: SchemaProblem[]) {
    super(
      problems
        .slice(0, 20)
        .map((p) => `${p.file}:${p.line + 1}:${p.character + 1}: error: ${p.message}`)
        .join('\n') + (problems.length > 20 ? `\n... and ${problems.length - 20} more` : ''),
    );
    this.name = 'RngSchemaError';
  }
}

/** Interned states beyond this are dropped by recompiling (long editing sessions). */
const MAX_PATTERNS = 400_000;

export class RngSchema {
  deriver: Deriver;
  private byName = new Map<string, ElementDecl[]>();

  constructor(
    readonly file: string,
    public pool: PatternPool,
    public start: Pattern,
    public decls: readonly ElementDecl[],
    private readonly rebuild?: () => RngSchema,
    /** ID-typed attributes to check in documents (DTD compatibility), if the schema has any. */
    readonly ids?: IdTable,
  ) {
    this.deriver = new Deriver(pool);
  }

  /** Element declarations whose name class matches a name (for recovery inside unexpected elements). */
  declsFor(ns: string, local: string): ElementDecl[] {
    const key = `{${ns}}${local}`;
    let r = this.byName.get(key);
    if (!r) {
      r = this.decls.filter((d) => contains(d.nc, ns, local) && d.content.k !== K.NotAllowed);
      this.byName.set(key, r);
    }
    return r;
  }

  /** Memory stays bounded: when the interned states grow past a limit, start afresh. */
  trim(limit = MAX_PATTERNS): boolean {
    if (this.pool.size <= limit || !this.rebuild) return false;
    const fresh = this.rebuild();
    this.pool = fresh.pool;
    this.start = fresh.start;
    this.decls = fresh.decls;
    this.deriver = fresh.deriver;
    this.byName = new Map();
    return true;
  }
}

/** Reads (through `loader`: src/core/io's for files) and compiles a schema; throws RngSchemaError listing every problem found. */
export function compileRngSchema(file: string, loader: SchemaLoader): RngSchema {
  const abs = resolvePath(file).replace(/\\/g, '/');
  const reader = new SchemaReader(loader);
  const pool = new PatternPool();
  try {
    const top = reader.readSchema(abs);
    if (!top || reader.problems.length) throw new RngSchemaError(reader.problems);
    const simplifier = new Simplifier(pool, reader);
    const start = simplifier.build(top);
    if (reader.problems.length) throw new RngSchemaError(reader.problems);
    return new RngSchema(abs, pool, start, simplifier.decls, () => compileRngSchema(file, loader), simplifier.ids);
  } catch (e) {
    if (e instanceof DepthError) {
      reader.problem(e.loc, e.message);
      throw new RngSchemaError(reader.problems);
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new RngSchemaError([{ file: abs, line: 0, character: 0, endLine: 0, endCharacter: 0, message: 'schema too deeply nested to compile' }]);
    }
    throw e;
  }
}

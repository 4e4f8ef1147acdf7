// Which RELAX NG schema checks domain templates, compiled once per (path, mtime): libvirt's
// domain.rng (setting, else /usr/share/libvirt/schemas) when present, else our
// schemas/domain-template.rng. A schema that fails to compile is remembered as failed, so its
// problem is reported once (to the listeners), never per keystroke.
//
// One DomainSchemas object per process, created by the CLI or the extension (which know where
// the bundled schema is) and passed down to the validators, completion and hover.
import * as path from 'node:path';
import { compileRngSchema, type RngSchema } from '../../relaxng';
import { errorMessage } from '../../common/errors';
import type { SyncFileReader } from '../../common/fileSystem';
import { DEFAULT_LIBVIRT_SCHEMA_DIR, type Settings } from '../../settings';
import { readSchemaDocs, type SchemaDocs } from '../../domain/schemaDocs';

export const BUNDLED_SCHEMA_NAME = 'domain-template.rng';
export const LIBVIRT_SCHEMA_NAME = 'domain.rng';

export interface DomainSchemaChoice {
  /** Absolute path of the schema's top file. */
  path: string;
  kind: 'libvirt' | 'bundled';
  /** What diagnostics say in their source, e.g. `libvirt-schema (domain.rng)`. */
  source: string;
}

export interface LoadedDomainSchema extends DomainSchemaChoice {
  schema: RngSchema;
}

export interface SchemaProblemReport {
  path: string;
  message: string;
  /** The schema used instead, if any. */
  fallback?: string;
}

type Listener = (p: SchemaProblemReport) => void;
type CacheEntry = { ok: true; schema: RngSchema } | { ok: false; message: string };

export class DomainSchemas {
  private readonly listeners = new Set<Listener>();
  private readonly cache = new Map<string, CacheEntry>();
  private docsOfBundled: SchemaDocs | undefined;

  /** `bundledPath`: schemas/domain-template.rng as installed (next to dist/ or the repo's). */
  constructor(
    private readonly files: SyncFileReader,
    readonly bundledPath: string,
    /** How a schema file is compiled (src/core/io's goes through the compiled-schema cache). */
    private readonly compile: (file: string) => RngSchema = (file) => compileRngSchema(file, files.readText),
  ) {}

  /** Hear about schemas that cannot be used (each failure once per path and mtime). */
  onProblem(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The schema the settings ask for, without compiling it. */
  choose(settings: Settings): DomainSchemaChoice {
    const dir = settings.libvirt.schemaDirectory ?? DEFAULT_LIBVIRT_SCHEMA_DIR;
    const libvirt = path.resolve(dir, LIBVIRT_SCHEMA_NAME);
    if (this.files.mtimeMs(libvirt) !== undefined) return { path: libvirt, kind: 'libvirt', source: `libvirt-schema (${LIBVIRT_SCHEMA_NAME})` };
    return this.bundledChoice();
  }

  /** The compiled schema for these settings; libvirt's falls back to ours if it cannot compile. */
  load(settings: Settings): LoadedDomainSchema | undefined {
    const choice = this.choose(settings);
    const first = this.compileCached(choice.path);
    if (first.ok) return { ...choice, schema: first.schema };
    if (choice.kind === 'bundled') return undefined;
    const ours = this.bundledChoice();
    const second = this.compileCached(ours.path);
    return second.ok ? { ...ours, schema: second.schema } : undefined;
  }

  /** The a:documentation of our bundled schema (hover, completion), read once. */
  docs(): SchemaDocs {
    if (!this.docsOfBundled) {
      try {
        this.docsOfBundled = readSchemaDocs(this.files.readText(this.bundledPath));
      } catch {
        this.docsOfBundled = { element: () => undefined, attribute: () => undefined };
      }
    }
    return this.docsOfBundled;
  }

  /** Forget compiled schemas (tests). */
  clearCache(): void {
    this.cache.clear();
  }

  private bundledChoice(): DomainSchemaChoice {
    return { path: this.bundledPath, kind: 'bundled', source: `libvirt-schema (${BUNDLED_SCHEMA_NAME})` };
  }

  private compileCached(file: string): CacheEntry {
    const key = `${file}\0${this.files.mtimeMs(file) ?? -1}`;
    let hit = this.cache.get(key);
    if (!hit) {
      for (const k of this.cache.keys()) if (k.startsWith(`${file}\0`)) this.cache.delete(k);
      try {
        hit = { ok: true, schema: this.compile(file) };
      } catch (e) {
        hit = { ok: false, message: errorMessage(e) };
      }
      this.cache.set(key, hit);
      if (!hit.ok) {
        const fallback = file === this.bundledPath ? undefined : this.bundledPath;
        for (const l of this.listeners) l({ path: file, message: hit.message, fallback });
      }
    }
    return hit;
  }
}

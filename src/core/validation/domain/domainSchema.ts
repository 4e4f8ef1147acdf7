// Which RELAX NG schema checks domain templates, compiled once per (path, mtime) for the whole
// process: libvirt's domain.rng (setting, else /usr/share/libvirt/schemas) when present, else
// our schemas/domain-template.rng. A schema that fails to compile is remembered as failed, so
// its problem is reported once (to the listeners), never per keystroke.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { compileRngSchema, type RngSchema } from '../../relaxng';
import { errorMessage } from '../../common/errors';
import { DEFAULT_LIBVIRT_SCHEMA_DIR, type Settings } from '../../settings';

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
const listeners = new Set<Listener>();

/** Hear about schemas that cannot be used (each failure once per path and mtime). */
export function onDomainSchemaProblem(listener: Listener): { dispose(): void } {
  listeners.add(listener);
  return { dispose: () => listeners.delete(listener) };
}

let bundledOverride: string | undefined;

/** Where schemas/domain-template.rng is: next to dist/ when bundled, at the repo root in tests. */
export function bundledSchemaPath(): string {
  if (bundledOverride) return bundledOverride;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'schemas', BUNDLED_SCHEMA_NAME);
    if (existsSync(candidate)) return (bundledOverride = candidate);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(__dirname, '..', 'schemas', BUNDLED_SCHEMA_NAME);
}

/** The extension knows its install folder: it sets the bundled schema's path explicitly. */
export function setBundledSchemaPath(file: string): void {
  bundledOverride = file;
}

/** The schema the settings ask for, without compiling it. */
export function chooseDomainSchema(settings: Settings): DomainSchemaChoice {
  const dir = settings.libvirt.schemaDirectory ?? DEFAULT_LIBVIRT_SCHEMA_DIR;
  const libvirt = path.resolve(dir, LIBVIRT_SCHEMA_NAME);
  if (existsSync(libvirt)) return { path: libvirt, kind: 'libvirt', source: `libvirt-schema (${LIBVIRT_SCHEMA_NAME})` };
  return bundledChoice();
}

function bundledChoice(): DomainSchemaChoice {
  return { path: bundledSchemaPath(), kind: 'bundled', source: `libvirt-schema (${BUNDLED_SCHEMA_NAME})` };
}

type CacheEntry = { ok: true; schema: RngSchema } | { ok: false; message: string };
const cache = new Map<string, CacheEntry>();

function compileCached(file: string): CacheEntry {
  let mtime = -1;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    // Reported by the compile below.
  }
  const key = `${file}\0${mtime}`;
  let hit = cache.get(key);
  if (!hit) {
    for (const k of cache.keys()) if (k.startsWith(`${file}\0`)) cache.delete(k);
    try {
      hit = { ok: true, schema: compileRngSchema(file) };
    } catch (e) {
      hit = { ok: false, message: errorMessage(e) };
    }
    cache.set(key, hit);
    if (!hit.ok) {
      const fallback = file === bundledSchemaPath() ? undefined : bundledSchemaPath();
      for (const l of listeners) l({ path: file, message: hit.message, fallback });
    }
  }
  return hit;
}

/** The compiled schema for these settings; libvirt's falls back to ours if it cannot compile. */
export function loadDomainSchema(settings: Settings): LoadedDomainSchema | undefined {
  const choice = chooseDomainSchema(settings);
  const first = compileCached(choice.path);
  if (first.ok) return { ...choice, schema: first.schema };
  if (choice.kind === 'bundled') return undefined;
  const ours = bundledChoice();
  const second = compileCached(ours.path);
  return second.ok ? { ...ours, schema: second.schema } : undefined;
}

/** Forget compiled schemas (tests). */
export function clearDomainSchemaCache(): void {
  cache.clear();
}

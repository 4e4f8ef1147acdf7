// RELAX NG schemas read from disk: the compiler and the domain-schema chooser over node:fs.
import { compileRngSchema, type RngSchema } from '../relaxng';
import { DomainSchemas } from '../validation/domain/domainSchema';
import { readFileSync } from 'node:fs';
import { decodeXml } from '../xml/encoding';
import { nodeSyncFileReader } from './nodeFileSystem';

/** Compiles a schema file, following its includes on disk. */
export function compileRngSchemaFile(file: string): RngSchema {
  return compileRngSchema(file, readXmlFile);
}

/** A schema file's text, decoded by its BOM or encoding declaration as Jing reads it. */
function readXmlFile(path: string): string {
  const decoded = decodeXml(readFileSync(path));
  if (decoded.error) throw new Error(`line ${decoded.error.line + 1}: ${decoded.error.message}`);
  return decoded.text;
}

/** The process's DomainSchemas; `bundledPath` is schemas/domain-template.rng as installed. */
export function createDomainSchemas(bundledPath: string): DomainSchemas {
  return new DomainSchemas(nodeSyncFileReader, bundledPath);
}

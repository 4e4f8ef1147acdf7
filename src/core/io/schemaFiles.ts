// RELAX NG schemas read from disk: the compiler and the domain-schema chooser over node:fs.
import { compileRngSchema, type RngSchema } from '../relaxng';
import { DomainSchemas } from '../validation/domain/domainSchema';
import { nodeSyncFileReader } from './nodeFileSystem';

/** Compiles a schema file, following its includes on disk. */
export function compileRngSchemaFile(file: string): RngSchema {
  return compileRngSchema(file, nodeSyncFileReader.readText);
}

/** The process's DomainSchemas; `bundledPath` is schemas/domain-template.rng as installed. */
export function createDomainSchemas(bundledPath: string): DomainSchemas {
  return new DomainSchemas(nodeSyncFileReader, bundledPath);
}

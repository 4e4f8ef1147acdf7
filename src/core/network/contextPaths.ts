// Where a project's network and routes files are: common/ inside its context folder (which
// vmcontext.json may move), so the validators and the editor find them by path, not by name.
import * as path from 'node:path';
import type { ContextProject } from '../project/project';

export function networkFilePath(project: Pick<ContextProject, 'contextDir'>): string {
  return path.join(project.contextDir, 'common', 'network');
}

export function routesFilePath(project: Pick<ContextProject, 'contextDir'>): string {
  return path.join(project.contextDir, 'common', 'routes');
}

export function isNetworkFile(project: Pick<ContextProject, 'contextDir'>, file: string): boolean {
  return path.resolve(file) === networkFilePath(project);
}

export function isRoutesFile(project: Pick<ContextProject, 'contextDir'>, file: string): boolean {
  return path.resolve(file) === routesFilePath(project);
}

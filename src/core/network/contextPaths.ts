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

/**
 * Whether `file` may name a path whose last segment is `last`: resolving an absolute path only
 * drops segments, so one that does not hold `last` cannot. A cheap test before path.resolve,
 * asked of every file of a context folder (thousands in a large one).
 */
export function mayEndIn(file: string, last: string): boolean {
  return !path.isAbsolute(file) || file.includes(last);
}

export function isNetworkFile(project: Pick<ContextProject, 'contextDir'>, file: string): boolean {
  return mayEndIn(file, 'network') && path.resolve(file) === networkFilePath(project);
}

export function isRoutesFile(project: Pick<ContextProject, 'contextDir'>, file: string): boolean {
  return mayEndIn(file, 'routes') && path.resolve(file) === routesFilePath(project);
}

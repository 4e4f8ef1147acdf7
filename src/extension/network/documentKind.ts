// Which network file of which project a document is: common/network or common/routes inside
// the project's context folder (vmcontext.json may move it, so the path decides, not the name).
import type * as vscode from 'vscode';
import { isNetworkFile, isRoutesFile } from '../../core/network/contextPaths';
import type { ContextProject } from '../../core/project/project';
import type { ProjectService } from '../project/projectService';

export type NetworkDocumentKind = 'network' | 'routes';

export async function networkDocumentOf(
  projects: ProjectService,
  doc: vscode.TextDocument,
): Promise<{ project: ContextProject; kind: NetworkDocumentKind } | undefined> {
  if (doc.uri.scheme !== 'file') return undefined;
  const project = await projects.projectFor(doc.uri);
  if (!project) return undefined;
  if (isNetworkFile(project, doc.uri.fsPath)) return { project, kind: 'network' };
  if (isRoutesFile(project, doc.uri.fsPath)) return { project, kind: 'routes' };
  return undefined;
}

// The project as it is with an unsaved common/network: editors re-check templates (whose MAC
// and IP rules read project.network) against what the user is typing, not the saved file.
import type { ContextProject } from '../project/project';
import { readNetworkSettings } from './networkFile';

export function withNetworkText(project: ContextProject, text: string): ContextProject {
  return { ...project, network: readNetworkSettings(text) };
}

// The build state the explorer shows: a plan of the real build that is never run, so the
// explorer says exactly what `vmctx build` would do (content hashes for the ISO, the overlay
// decision for each VM). Cheap enough for every refresh: context files are hashed only when
// they changed since the last build (common/fileIdentity), images only have their headers read.
import { buildInputsFromProject } from './buildInputs';
import type { BuildOptions, BuildStatus } from './buildPlan';
import { LABEL_HEAD_BYTES, readLabel } from '../image/iso9660/label';
import type { ContextProject } from '../project/project';
import { planBuild } from './buildEngine';
import { nodeFileSystem } from '../io/nodeFileSystem';

/** `options`: the ones the build runs with (the ISO backend and SOURCE_DATE_EPOCH go into its hash). */
export async function readBuildStatus(project: ContextProject, options: Pick<BuildOptions, 'isoBackend' | 'env' | 'signal'> = {}): Promise<BuildStatus> {
  const plan = await planBuild(buildInputsFromProject(project), options);
  const iso = plan.status.iso;
  // The labels the images really carry, read back from their primary volume descriptors.
  const labelOf = (file: string) => nodeFileSystem.readHead(file, LABEL_HEAD_BYTES).then(readLabel, () => undefined);
  if (iso && iso.state !== 'missing') iso.label = await labelOf(project.output.iso);
  await Promise.all((plan.status.seeds ?? []).filter((s) => s.status.state !== 'missing').map(async (s) => (s.status.label = await labelOf(s.output))));
  return plan.status;
}

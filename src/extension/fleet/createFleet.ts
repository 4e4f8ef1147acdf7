// Writes what a fleet plan describes: the templates (never over an existing file), the
// manifest's base image when the form changed it, then opens the first template and, when
// asked, creates the overlays through the build command (which checks workspace trust).
import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { FleetPlan } from '../../core/fleet/planFleet';
import type { ContextProject } from '../../core/project/project';
import { MANIFEST_FILE } from '../../core/project/manifest';
import { setManifestBaseImage } from '../../core/project/manifestEdit';
import type { Services } from '../services';
import { Commands } from '../constants';
import { writeNewFiles } from '../project/plannedFiles';
import { writeFileAtomically } from '../../core/io/atomicFile';
import { completeWalkthroughStep } from '../project/walkthroughSteps';

export async function createFleet(services: Services, project: ContextProject, plan: FleetPlan, createOverlays: boolean): Promise<void> {
  await writeNewFiles(project.root, plan.vms.map((v) => ({ relative: v.relative, content: v.xml })));
  services.log.info(`created ${plan.vms.map((v) => v.relative).join(', ')}`);
  await completeWalkthroughStep(services, 'newFleet');
  if (plan.baseImageChange) {
    const manifest = project.manifestPath ?? path.join(project.root, MANIFEST_FILE);
    const text = await fsp.readFile(manifest, 'utf8').catch(() => undefined);
    await writeFileAtomically(manifest, setManifestBaseImage(text, plan.baseImageChange));
  }
  await services.projects.reload(project.root);
  if (plan.vms[0]) await vscode.window.showTextDocument(vscode.Uri.file(plan.vms[0].file), { preview: false });
  if (createOverlays) await vscode.commands.executeCommand(Commands.buildOverlays, { root: project.root });
}

// Runs the project's own validators over the templates a plan would write, so the form
// shows the same messages the Problems panel would show once they exist.
import type { Diagnostic } from '../common/diagnostic';
import { validateDocument } from '../validation/checkProject';
import { parseXml } from '../xml/parse';
import { describeTemplate } from '../project/template';
import type { ContextProject } from '../project/project';
import type { Settings } from '../settings';
import type { DomainSchemas } from '../validation/domain/domainSchema';
import type { FleetPlan } from './planFleet';

export interface PlannedDiagnostics {
  vm: string;
  diagnostics: Diagnostic[];
}

/** The project as it would be with the planned templates added. */
export function projectWithPlan(project: ContextProject, plan: FleetPlan): ContextProject {
  const added = plan.vms.filter((v) => v.xml).map((v) => describeTemplate(v.file, parseXml(v.xml)));
  return { ...project, templates: [...project.templates, ...added] };
}

export function checkPlan(project: ContextProject, plan: FleetPlan, settings: Settings, schemas: DomainSchemas): PlannedDiagnostics[] {
  const future = projectWithPlan(project, plan);
  return plan.vms
    .filter((v) => v.xml)
    .map((v) => ({ vm: v.name, diagnostics: validateDocument(future, v.file, v.xml, settings, schemas) }))
    .filter((r) => r.diagnostics.length > 0);
}

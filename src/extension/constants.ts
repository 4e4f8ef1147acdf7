// Every id the extension contributes, in one place (package.json must match; a unit test checks).
export const EXTENSION_ID = 'vm-context.vm-context';

export const Commands = {
  checkProject: 'vmContext.project.check',
  showLog: 'vmContext.log.show',
  newProject: 'vmContext.project.new',
  openExample: 'vmContext.project.openExample',
  newVm: 'vmContext.vm.new',
  newFleet: 'vmContext.fleet.new',
  build: 'vmContext.build.run',
  buildAll: 'vmContext.build.all',
  buildIso: 'vmContext.build.iso',
  buildSeeds: 'vmContext.build.seeds',
  buildOverlays: 'vmContext.build.overlays',
  showIsoContents: 'vmContext.iso.showContents',
  refreshExplorer: 'vmContext.explorer.refresh',
  revealFile: 'vmContext.file.reveal',
  fixFile: 'vmContext.file.fix',
  openTemplate: 'vmContext.template.open',
  setMacFromIp: 'vmContext.domain.setMacFromIp',
  generateUuid: 'vmContext.domain.generateUuid',
  deploy: 'vmContext.deploy.run',
  vmStart: 'vmContext.vm.start',
  vmShutdown: 'vmContext.vm.shutdown',
  vmUndefine: 'vmContext.vm.undefine',
  vmRefreshStates: 'vmContext.vm.refreshStates',
} as const;

export const Views = {
  container: 'vmContext',
  projects: 'vmContext.projects',
  fleetPanel: 'vmContext.fleetPanel',
} as const;

/** Context keys set by the extension for `when` clauses. */
export const ContextKeys = {
  hasProject: 'vmContext.hasProject',
  /** A project's common/network was saved or changed on disk (the walkthrough's step 2). */
  networkEdited: 'vmContext.networkEdited',
} as const;

/** Language ids of context/common/network and context/common/routes. */
export const Languages = {
  network: 'vmcontext-network',
  routes: 'vmcontext-routes',
} as const;

export const SETTINGS_SECTION = 'vmContext';

export const DIAGNOSTIC_SOURCE = 'vm-context';

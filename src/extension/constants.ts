// Every id the extension contributes, in one place (package.json must match; a unit test checks).
export const EXTENSION_ID = 'vm-context.vm-context';

export const Commands = {
  checkProject: 'vmContext.project.check',
  showLog: 'vmContext.log.show',
  setMacFromIp: 'vmContext.domain.setMacFromIp',
  generateUuid: 'vmContext.domain.generateUuid',
} as const;

export const CATEGORY = 'VM Context';

/** Language ids of context/common/network and context/common/routes. */
export const Languages = {
  network: 'vmcontext-network',
  routes: 'vmcontext-routes',
} as const;

export const SETTINGS_SECTION = 'vmContext';

export const DIAGNOSTIC_SOURCE = 'vm-context';

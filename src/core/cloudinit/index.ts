// What the extension calls for cloud-init files. Diagnostics of a project's seed files also
// come through validateDocument (checkProject.ts), like every other file of a project.
export type { CloudInitContext, CloudInitKind } from './cloudInitTypes';
export { CLOUD_INIT_KINDS } from './cloudInitTypes';
export { userDataDiagnostics, userDataType, USER_DATA_HEADERS, type UserDataType } from './userData';
export { networkConfigDiagnostics } from './networkConfig';
export { metaDataDiagnostics, type MetaDataContext } from './metaData';
export { cloudInitCompletions, cloudInitHover } from './cloudInitAssist';
export { cloudInitContext, cloudInitDiagnostics, cloudInitFileOf } from '../validation/cloudinit/cloudInitValidator';

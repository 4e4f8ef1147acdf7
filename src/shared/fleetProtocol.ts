// Messages between the New VM / New Fleet webview and the extension. No vscode, no DOM, no
// core imports: both sides compile this file. The page starts with `ready`; the extension
// answers with `init`. Requests carry an id; their reply names it, so a late answer to an
// old request is recognised and dropped.

export type FleetMode = 'vm' | 'fleet';

/** The form as typed (mirrors the core's FleetForm). */
export interface FleetFormValues {
  name: string;
  count: string;
  firstIp: string;
  memoryMiB: string;
  vcpus: string;
  baseImage: string;
  bridge: string;
  cdromBus: string;
  createOverlays: boolean;
}

export type FleetFieldName = Exclude<keyof FleetFormValues, 'createOverlays'> | 'form';

export interface FieldMessage {
  field: FleetFieldName;
  severity: 'error' | 'warning';
  message: string;
}

export interface PreviewRow {
  name: string;
  ip: string;
  mac: string;
  uuid: string;
  file: string;
}

/** A validator's diagnostic on a template to be written (the same text as in Problems). */
export interface TemplateMessage {
  vm: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

/** What the panel persists (webview state and the serializer's), to survive a reload. */
export interface FleetPanelState {
  mode: FleetMode;
  projectRoot: string;
  values?: FleetFormValues;
}

export interface FleetInit {
  mode: FleetMode;
  projectName: string;
  projectRoot: string;
  values: FleetFormValues;
  choices: { baseImages: string[]; cdromBuses: string[] };
  /** Creating overlays runs a build: offered only in a trusted workspace. */
  trusted: boolean;
  subnet?: string;
}

export interface ValidationResult {
  fields: FieldMessage[];
  preview: PreviewRow[];
  skipped: Array<{ ip: string; reason: string }>;
  templates: TemplateMessage[];
  canCreate: boolean;
}

export type WebviewToExtension =
  | { type: 'ready' }
  | { type: 'validate'; id: number; values: FleetFormValues }
  | { type: 'create'; id: number; values: FleetFormValues }
  | { type: 'cancel' };

export type ExtensionToWebview =
  | { type: 'init'; init: FleetInit }
  | { type: 'validated'; id: number; result: ValidationResult }
  | { type: 'created'; id: number; ok: boolean; message?: string; result?: ValidationResult };

export function isWebviewMessage(m: unknown): m is WebviewToExtension {
  return !!m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string';
}

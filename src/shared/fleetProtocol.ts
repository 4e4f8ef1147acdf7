// Messages between the New VM / New Fleet webview and the extension. No vscode, no DOM, no
// core imports: both sides compile this file. The page starts with `ready`; the extension
// answers with `init`. Requests carry an id; their reply names it, so a late answer to an
// old request is recognised and dropped.

export type FleetMode = 'vm' | 'fleet';

/** The New VM / New Fleet form as typed (the one definition: the core's FleetForm is this). */
export interface FleetFormValues {
  /** A name, or a pattern with `{n}` (e.g. `web{n}`). */
  name: string;
  count: string;
  firstIp: string;
  memoryMiB: string;
  vcpus: string;
  /** Project-relative path of the base image ('/'-separated). */
  baseImage: string;
  bridge: string;
  cdromBus: string;
  /** Write the qcow2 overlays right after the templates (a build step; needs trust). */
  createOverlays: boolean;
}

export type FleetFieldName = Exclude<keyof FleetFormValues, 'createOverlays'> | 'form';

export interface FieldMessage {
  /** The field to show it under; `form` for the whole form. */
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

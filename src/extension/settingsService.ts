import * as vscode from 'vscode';
import { SETTINGS_SECTION } from './constants';
import { defaultSettings, type Settings, type IsoBackend, type OverlayBackend } from '../core/settings';

/** Reads `vmContext.*` into the core's typed snapshot. */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const str = (key: string, fallback: string) => {
    const v = c.get<string>(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : fallback;
  };
  const schemaDirectory = c.get<string>('libvirt.schemaDirectory')?.trim();
  return {
    libvirt: { schemaDirectory: schemaDirectory || undefined },
    tools: {
      genisoimage: str('tools.genisoimage', defaultSettings.tools.genisoimage),
      xorriso: str('tools.xorriso', defaultSettings.tools.xorriso),
      mkisofs: str('tools.mkisofs', defaultSettings.tools.mkisofs),
      qemuImg: str('tools.qemuImg', defaultSettings.tools.qemuImg),
      virsh: str('tools.virsh', defaultSettings.tools.virsh),
    },
    build: {
      isoBackend: str('build.isoBackend', defaultSettings.build.isoBackend) as IsoBackend,
      overlayBackend: str('build.overlayBackend', defaultSettings.build.overlayBackend) as OverlayBackend,
      allowErrors: c.get<boolean>('build.allowErrors') === true,
    },
    defaults: {
      bridge: str('defaults.bridge', defaultSettings.defaults.bridge),
      isoLabel: str('defaults.isoLabel', defaultSettings.defaults.isoLabel),
    },
  };
}

/**
 * Keeps snapshots and tells listeners when `vmContext.*` changed. `forResource` is what applies
 * to a project's file or folder: a workspace folder's own `vmContext.tools.*` (folder settings of
 * a multi-root workspace) override the workspace's; `current` is the window's, for what has no
 * project.
 */
export class SettingsService implements vscode.Disposable {
  private snapshot = readSettings();
  /** One snapshot per workspace folder (key: its URI), read when first asked for. */
  private readonly byFolder = new Map<string, Settings>();
  private readonly emitter = new vscode.EventEmitter<Settings>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
    this.snapshot = readSettings();
    this.byFolder.clear();
    this.emitter.fire(this.snapshot);
  });

  get current(): Settings {
    return this.snapshot;
  }

  /** The settings of the workspace folder holding `resource` (a URI or a file-system path). */
  forResource(resource: vscode.Uri | string | undefined): Settings {
    const uri = typeof resource === 'string' ? vscode.Uri.file(resource) : resource;
    const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return this.snapshot;
    const key = folder.uri.toString();
    let s = this.byFolder.get(key);
    if (!s) this.byFolder.set(key, (s = readSettings(folder.uri)));
    return s;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

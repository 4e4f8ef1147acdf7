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

/** Keeps a current snapshot and tells listeners when `vmContext.*` changed. */
export class SettingsService implements vscode.Disposable {
  private snapshot = readSettings();
  private readonly emitter = new vscode.EventEmitter<Settings>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration(SETTINGS_SECTION)) return;
    this.snapshot = readSettings();
    this.emitter.fire(this.snapshot);
  });

  get current(): Settings {
    return this.snapshot;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

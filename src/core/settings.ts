// The typed settings snapshot shared by the extension (read from `vmContext.*`) and the CLI
// (from its options). Plain data; no vscode.

import { DEFAULTS } from './project/project';

/** The backends a build can use (`--iso-backend`, `vmContext.build.isoBackend`; package.json's enums list the same). */
export const ISO_BACKENDS = ['auto', 'embedded', 'genisoimage', 'xorriso', 'mkisofs'] as const;
export const OVERLAY_BACKENDS = ['auto', 'embedded', 'qemu-img'] as const;
export type IsoBackend = (typeof ISO_BACKENDS)[number];
export type OverlayBackend = (typeof OVERLAY_BACKENDS)[number];

export interface Settings {
  libvirt: {
    /** Folder holding libvirt's domain.rng; undefined = /usr/share/libvirt/schemas when present. */
    schemaDirectory?: string;
  };
  tools: {
    genisoimage: string;
    xorriso: string;
    mkisofs: string;
    qemuImg: string;
    virsh: string;
  };
  build: {
    isoBackend: IsoBackend;
    overlayBackend: OverlayBackend;
    /** Build and deploy even when the project check finds errors (default false: refuse). */
    allowErrors: boolean;
  };
  defaults: {
    bridge: string;
    isoLabel: string;
  };
}

export const DEFAULT_LIBVIRT_SCHEMA_DIR = '/usr/share/libvirt/schemas';

export const defaultSettings: Settings = {
  libvirt: {},
  tools: { genisoimage: 'genisoimage', xorriso: 'xorriso', mkisofs: 'mkisofs', qemuImg: 'qemu-img', virsh: 'virsh' },
  build: { isoBackend: 'auto', overlayBackend: 'auto', allowErrors: false },
  defaults: { bridge: DEFAULTS.bridge, isoLabel: DEFAULTS.isoLabel },
};

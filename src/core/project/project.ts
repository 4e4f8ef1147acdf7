// The context-project model: plain data describing one project folder, with the Snooze
// layout as defaults and vmcontext.json overriding them.
import * as path from 'node:path';
import type { Diagnostic } from '../common/diagnostic';
import type { CloudInitKind } from '../cloudinit/cloudInitTypes';
import type { Manifest, Addressing, Flavor } from './manifest';
import type { TemplateInfo } from './template';
import { DEFAULT_LABEL } from '../image/iso9660/layout';

export type ContextFileRole = 'post-install' | 'network' | 'routes' | 'other';

export interface ContextFile {
  /** Absolute path. */
  path: string;
  /** Path inside the context folder, with '/'. */
  relative: string;
  role: ContextFileRole;
  type: 'file' | 'symlink' | 'other';
  /** Any execute bit set (the guest's files only; undefined when the file system has no modes). */
  executable?: boolean;
  /** Starts with a UTF-8 byte-order mark (read for post-install, common/network, common/routes). */
  bom?: boolean;
  /** Set when it is not, and does not lead to, a regular file: what it is instead (never read). */
  notAFile?: string;
}

/**
 * How the guest runs post-install, read from the project's in-guest script
 * (base-image/contextualization): through a shell (`sh post-install`), or directly, which needs
 * the execute bit and a #! line.
 */
export interface PostInstallRunner {
  how: 'shell' | 'direct';
  /** The script it was read from. */
  file: string;
  /** 0-based line of the script that runs it. */
  line: number;
}

export type ImageFormat = 'raw' | 'qcow2' | 'unknown';

export interface BaseImage {
  path: string;
  exists: boolean;
  format?: ImageFormat;
  size?: number;
}

/** The guests' network from context/common/network (numbers are unsigned 32-bit IPv4). */
export interface NetworkSettings {
  network?: number;
  netmask?: number;
  gateway?: number;
  broadcast?: number;
  nameservers: number[];
  domain?: string;
  search: string[];
}

/** A NoCloud seed file of the project: cloud-init/<kind> (shared) or cloud-init/<vm>/<kind>. */
export interface CloudInitFile {
  /** Absolute path. */
  path: string;
  kind: CloudInitKind;
  /** The VM (folder name) a per-VM file is for; undefined for a shared file. */
  vm?: string;
  /** meta-data only: its instance-id, read when the project loads (for the uniqueness rule). */
  instanceId?: string;
}

export interface CloudInitLayout {
  /** Absolute path of cloud-init/, and whether it exists. */
  dir: string;
  dirExists: boolean;
  /** When something else holds the folder's name: what it is. */
  dirIs?: string;
  files: CloudInitFile[];
  /** Other files found in cloud-init/ (not seed files: reported, left out of the seed). */
  others: string[];
}

export interface ContextProject {
  /** Absolute path of the project folder. */
  root: string;
  /** snooze (context.iso, the default) or nocloud (cloud-init seed). */
  flavor: Flavor;
  /** NoCloud projects: the cloud-init/ folder and its files. */
  cloudInit?: CloudInitLayout;
  manifestPath?: string;
  manifest: Manifest;
  /** Absolute path of the context folder (default `context/`), and whether it exists. */
  contextDir: string;
  contextDirExists: boolean;
  /** When something else holds the context folder's name: what it is ("a named pipe"). */
  contextDirIs?: string;
  contextFiles: ContextFile[];
  templates: TemplateInfo[];
  /** The guests' network: context/common/network (Snooze) or vmcontext.json "network" (NoCloud). */
  network?: NetworkSettings;
  baseImage?: BaseImage;
  /** Absolute paths of the disk images in images/ (sorted), whichever is the base. */
  images: string[];
  output: {
    iso: string;
    overlaysDir: string;
    /** NoCloud projects: the folder of the per-VM seeds (<vm>.iso). */
    seedsDir: string;
  };
  /** Where overlays, base image and ISO live on the cluster hosts, and the bridge VMs use. */
  remote: {
    directory?: string;
    bridge: string;
  };
  isoLabel: string;
  addressing: Addressing;
  /** How the guest runs post-install, when the project holds its in-guest script. */
  postInstallRunner?: PostInstallRunner;
  /** Problems found while loading: manifest errors, unreadable files, ambiguous base image. */
  diagnostics: Array<{ file: string; diagnostic: Diagnostic }>;
}

/** The project's defaults, the one place for them (the settings' defaults come from here). */
export const DEFAULTS = {
  contextDir: 'context',
  imagesDir: 'images',
  iso: 'build/context.iso',
  overlaysDir: 'build/overlays',
  seedsDir: 'build/seeds',
  bridge: 'virbr0',
  isoLabel: DEFAULT_LABEL,
  /** The in-guest script that mounts the CD-ROM and runs post-install (New Project writes it). */
  guestScript: 'base-image/contextualization',
  addressing: 'mac' as Addressing,
  flavor: 'snooze' as Flavor,
  cloudInitDir: 'cloud-init',
};

export const IMAGE_EXTENSIONS = ['.raw', '.qcow2', '.img'];

/** The incremental build record, beside the ISO. */
export const STATE_FILE = '.vmcontext-build.json';

export function stateFilePath(project: ContextProject): string {
  return path.join(path.dirname(project.output.iso), STATE_FILE);
}

/** Where the build writes the overlay of a VM. */
export function overlayPath(project: ContextProject, vmName: string): string {
  return `${project.output.overlaysDir}/${vmName}.qcow2`;
}

/** Where the build writes the NoCloud seed of a VM. */
export function seedPath(project: ContextProject, vmName: string): string {
  return `${project.output.seedsDir}/${vmName}.iso`;
}

/** The file name of a VM's seed on the hosts (`<vm>-seed.iso`: beside the overlays, apart from them). */
export function seedHostFileName(vmName: string): string {
  return `${vmName}-seed.iso`;
}

/** The role of a file inside the context folder, from its relative path. */
export function contextFileRole(relative: string): ContextFileRole {
  if (relative === 'post-install') return 'post-install';
  if (relative === 'common/network') return 'network';
  if (relative === 'common/routes') return 'routes';
  return 'other';
}

/**
 * How a guest script runs post-install: `sh …/post-install` (any shell) or the path as a command.
 * Undefined when no line runs it (only tests for it, or mentions it in comments).
 */
export function postInstallRunnerOf(script: string): { how: 'shell' | 'direct'; line: number } | undefined {
  const lines = script.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const code = lines[i].replace(/(^|\s)#.*$/, '');
    if (!code.includes('post-install')) continue;
    const word = String.raw`"?[^\s"';|&()]*post-install"?`;
    if (new RegExp(String.raw`(^|[\s;&|(]|\bthen|\bdo|\belse)\s*(exec\s+)?(/\S*/)?(sh|bash|dash|ash|ksh|busybox\s+sh)\s+(-\S+\s+)*${word}`).test(code)) return { how: 'shell', line: i };
    if (new RegExp(String.raw`(^|[;&|(]|\bthen|\bdo|\belse|\bif|\bexec|\bnohup)\s*${word}(\s|;|&|\||\)|$)`).test(code)) return { how: 'direct', line: i };
  }
  return undefined;
}

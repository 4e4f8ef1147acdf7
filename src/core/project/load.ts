// Loads a context project from a folder. A ProjectLoader keeps what it read keyed by file
// size and modification time, so reloading after one file changes re-parses only that file.
import * as path from 'node:path';
import { decodeText, type FileSystem } from '../common/fileSystem';
import { diagnostic, zeroRange, type Diagnostic } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import { globMatcher } from '../common/glob';
import { parseXml } from '../xml/parse';
import { networkFilePath } from '../network/contextPaths';
import { readNetworkSettings } from '../network/networkFile';
import { parseCidr, parseIPv4, prefixToNetmask, networkOf } from '../network/ipv4';
import { CLOUD_INIT_KINDS, type CloudInitKind } from '../cloudinit/cloudInitTypes';
import { metaDataInstanceId } from '../cloudinit/metaData';
import { MANIFEST_FILE, parseManifest, type Addressing, type Manifest } from './manifest';
import { describeTemplate, sniffRootElement, type TemplateInfo } from './template';
import {
  DEFAULTS,
  IMAGE_EXTENSIONS,
  contextFileRole,
  type BaseImage,
  type CloudInitFile,
  type CloudInitLayout,
  type ContextFile,
  type ContextProject,
  type ImageFormat,
  type NetworkSettings,
} from './project';

/** Folders never searched for templates. */
const SKIPPED_DIRS = new Set(['build', 'node_modules']);
/** Stop walking a pathological tree; a project has tens of files. */
const MAX_WALK_ENTRIES = 20000;
/** Bigger XML files are still listed but only sniffed, not parsed, by the model. */
const MAX_TEMPLATE_PARSE_BYTES = 8 * 1024 * 1024;

interface CacheEntry {
  size: number;
  mtimeMs: number;
  template: TemplateInfo | undefined;
}

export class ProjectLoader {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly fs: FileSystem) {}

  /** Forget a file so the next load reads it again (for changes without an mtime change). */
  invalidate(file: string): void {
    this.cache.delete(file);
  }

  async load(root: string): Promise<ContextProject> {
    root = path.resolve(root);
    const problems: ContextProject['diagnostics'] = [];
    const problem = (file: string, d: Diagnostic) => problems.push({ file, diagnostic: d });

    let manifest: Manifest = {};
    let manifestPath: string | undefined = path.join(root, MANIFEST_FILE);
    const mstat = await this.fs.stat(manifestPath);
    if (mstat?.type === 'file') {
      try {
        const parsed = parseManifest(decodeText(await this.fs.readFile(manifestPath)));
        manifest = parsed.manifest;
        for (const d of parsed.diagnostics) problem(manifestPath, d);
      } catch (e) {
        problem(manifestPath, unreadable(manifestPath, e));
      }
    } else manifestPath = undefined;

    const flavor = manifest.flavor ?? DEFAULTS.flavor;
    const contextDir = path.resolve(root, manifest.contextDir ?? DEFAULTS.contextDir);
    const cstat = await this.fs.stat(contextDir);
    const contextDirExists = cstat?.type === 'directory';
    // A NoCloud project has no context.iso: a leftover context/ folder is not part of it.
    const contextFiles = contextDirExists && flavor === 'snooze' ? await this.listContext(contextDir, problem) : [];
    // A NoCloud project's network is in the manifest; a Snooze project's in common/network.
    const network = flavor === 'nocloud' ? manifestNetworkSettings(manifest) : contextDirExists ? await this.readNetwork(contextDir) : undefined;
    const cloudInit = flavor === 'nocloud' ? await this.listCloudInit(path.join(root, DEFAULTS.cloudInitDir), problem) : undefined;

    const templates = await this.findTemplates(root, manifest, contextDir, problem);
    const images = await this.listImages(root);
    const baseImage = await this.findBaseImage(root, manifest, manifestPath, images, problem);

    return {
      root,
      flavor,
      cloudInit,
      manifestPath,
      manifest,
      contextDir,
      contextDirExists,
      contextFiles,
      templates,
      network,
      baseImage,
      images,
      output: {
        iso: path.resolve(root, manifest.output?.iso ?? DEFAULTS.iso),
        overlaysDir: path.resolve(root, manifest.output?.overlays ?? DEFAULTS.overlaysDir),
        seedsDir: path.resolve(root, manifest.output?.seeds ?? DEFAULTS.seedsDir),
      },
      remote: {
        directory: manifest.remote?.directory ?? remoteDirectoryOf(templates),
        bridge: manifest.remote?.bridge ?? DEFAULTS.bridge,
      },
      // cloud-init's NoCloud finds its seed by the volume label cidata.
      isoLabel: manifest.isoLabel ?? (flavor === 'nocloud' ? 'CIDATA' : DEFAULTS.isoLabel),
      addressing: manifest.addressing ?? addressingOf(manifest.network) ?? DEFAULTS.addressing,
      diagnostics: problems,
    };
  }

  /** common/network as the guests read it; a missing or unreadable file gives no network. */
  private async readNetwork(contextDir: string): Promise<NetworkSettings | undefined> {
    const file = networkFilePath({ contextDir });
    try {
      if ((await this.fs.stat(file))?.type !== 'file') return undefined;
      return readNetworkSettings(decodeText(await this.fs.readFile(file)));
    } catch {
      return undefined;
    }
  }

  /** cloud-init/: the shared seed files and one folder per VM with its own. */
  private async listCloudInit(dir: string, problem: (file: string, d: Diagnostic) => void): Promise<CloudInitLayout> {
    const layout: CloudInitLayout = { dir, dirExists: (await this.fs.stat(dir))?.type === 'directory', files: [], others: [] };
    if (!layout.dirExists) return layout;
    const enter = (dirAbs: string, name: string) => {
      if (dirAbs === dir) return true;
      layout.others.push(path.join(dirAbs, name)); // deeper folders are not part of a seed
      return false;
    };
    await this.walk(dir, enter, problem, async (abs) => {
      const rel = path.relative(dir, abs).split(path.sep);
      const kind = rel[rel.length - 1] as CloudInitKind;
      if (!CLOUD_INIT_KINDS.includes(kind) || rel.length > 2) {
        layout.others.push(abs);
        return;
      }
      const file: CloudInitFile = { path: abs, kind, ...(rel.length === 2 ? { vm: rel[0] } : {}) };
      if (kind === 'meta-data') {
        try {
          file.instanceId = metaDataInstanceId(decodeText(await this.fs.readFile(abs)));
        } catch (e) {
          problem(abs, unreadable(abs, e));
        }
      }
      layout.files.push(file);
    });
    layout.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    layout.others.sort();
    return layout;
  }

  private async listContext(contextDir: string, problem: (file: string, d: Diagnostic) => void): Promise<ContextFile[]> {
    const out: ContextFile[] = [];
    await this.walk(contextDir, () => true, problem, async (abs, type) => {
      const relative = path.relative(contextDir, abs).split(path.sep).join('/');
      const st = await this.fs.stat(abs);
      out.push({ path: abs, relative, role: contextFileRole(relative), type: type === 'file' || type === 'symlink' ? type : 'other', size: st?.size ?? 0 });
    });
    return out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  }

  private async findTemplates(
    root: string,
    manifest: Manifest,
    contextDir: string,
    problem: (file: string, d: Diagnostic) => void,
  ): Promise<TemplateInfo[]> {
    const matches = manifest.templates && globMatcher(manifest.templates);
    const candidates: string[] = [];
    await this.walk(
      root,
      (dirAbs, name) => !(name.startsWith('.') || SKIPPED_DIRS.has(name) || path.join(dirAbs, name) === contextDir),
      problem,
      async (abs, type) => {
        if (type !== 'file') return;
        const rel = path.relative(root, abs).split(path.sep).join('/');
        if (matches ? matches(rel) : rel.toLowerCase().endsWith('.xml')) candidates.push(abs);
      },
    );
    candidates.sort();
    const templates: TemplateInfo[] = [];
    for (const file of candidates) {
      const t = await this.readTemplate(file, problem);
      if (t?.isDomain) templates.push(t);
    }
    return templates;
  }

  private async readTemplate(file: string, problem: (file: string, d: Diagnostic) => void): Promise<TemplateInfo | undefined> {
    try {
      const st = await this.fs.stat(file);
      if (!st) return undefined;
      const hit = this.cache.get(file);
      if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.template;
      let template: TemplateInfo | undefined;
      const root = sniffRootElement(decodeText(await this.fs.readHead(file, 4096)));
      if (root === 'domain') {
        if (st.size > MAX_TEMPLATE_PARSE_BYTES) {
          template = { file, isDomain: true, wellFormed: true, disks: [], interfaces: [] };
        } else {
          template = describeTemplate(file, parseXml(decodeText(await this.fs.readFile(file))));
        }
      }
      this.cache.set(file, { size: st.size, mtimeMs: st.mtimeMs, template });
      return template;
    } catch (e) {
      problem(file, unreadable(file, e));
      return undefined;
    }
  }

  /** The disk images (by extension) in images/. */
  private async listImages(root: string): Promise<string[]> {
    const imagesDir = path.join(root, DEFAULTS.imagesDir);
    const st = await this.fs.stat(imagesDir);
    if (st?.type !== 'directory') return [];
    return (await this.fs.readDirectory(imagesDir))
      .filter((e) => (e.type === 'file' || e.type === 'symlink') && IMAGE_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x)))
      .map((e) => path.join(imagesDir, e.name))
      .sort();
  }

  private async findBaseImage(
    root: string,
    manifest: Manifest,
    manifestPath: string | undefined,
    images: string[],
    problem: (file: string, d: Diagnostic) => void,
  ): Promise<BaseImage | undefined> {
    if (manifest.baseImage) return this.describeImage(path.resolve(root, manifest.baseImage));
    const imagesDir = path.join(root, DEFAULTS.imagesDir);
    if (images.length === 1) return this.describeImage(images[0]);
    if (images.length > 1) {
      problem(
        manifestPath ?? imagesDir,
        diagnostic(
          'project-base-image-ambiguous',
          'warning',
          `images/ holds ${images.length} disk images (${images.map((i) => path.basename(i)).join(', ')}); name the base image in vmcontext.json: "baseImage": "images/${path.basename(images[0])}"`,
          zeroRange,
          { source: 'vm-context' },
        ),
      );
    }
    return undefined;
  }

  private async describeImage(file: string): Promise<BaseImage> {
    const st = await this.fs.stat(file);
    if (!st) return { path: file, exists: false };
    let format: ImageFormat = 'unknown';
    try {
      format = imageFormatOf(await this.fs.readHead(file, 4));
    } catch {
      // An unreadable image is reported by the build, which needs it.
    }
    return { path: file, exists: true, format, size: st.size };
  }

  /** Depth-first walk; `enter` decides which folders to descend into. */
  private async walk(
    dir: string,
    enter: (dirAbs: string, name: string) => boolean,
    problem: (file: string, d: Diagnostic) => void,
    visit: (abs: string, type: string) => Promise<void>,
  ): Promise<void> {
    const stack = [dir];
    let seen = 0;
    while (stack.length) {
      const current = stack.pop()!;
      let entries;
      try {
        entries = await this.fs.readDirectory(current);
      } catch (e) {
        problem(current, unreadable(current, e));
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const e of entries) {
        if (++seen > MAX_WALK_ENTRIES) return;
        const abs = path.join(current, e.name);
        if (e.type === 'directory') {
          if (enter(current, e.name)) stack.push(abs);
        } else await visit(abs, e.type);
      }
    }
  }
}

/** The network of a NoCloud project, from vmcontext.json "network" (cidr, gateway, …). */
export function manifestNetworkSettings(manifest: Manifest): NetworkSettings | undefined {
  const n = manifest.network;
  const c = n?.cidr ? parseCidr(n.cidr) : undefined;
  if (!n || !c) return undefined;
  const ip = c.ip;
  const netmask = prefixToNetmask(c.prefix!);
  const gateway = n.gateway !== undefined ? parseIPv4(n.gateway) : undefined;
  return {
    network: networkOf(ip, netmask),
    netmask,
    gateway,
    nameservers: (n.nameservers ?? []).map(parseIPv4).filter((x): x is number => x !== undefined),
    search: n.search ?? [],
  };
}

/** "static" guests take the address their MAC encodes, as with Snooze's MAC addressing. */
function addressingOf(network: Manifest['network']): Addressing | undefined {
  if (network?.addressing === 'static') return 'mac';
  if (network?.addressing === 'dhcp') return 'dhcp';
  return undefined;
}

/** The base image format from its first bytes: qcow2 starts with `QFI\xfb`. */
export function imageFormatOf(head: Uint8Array): ImageFormat {
  if (head.length >= 4 && head[0] === 0x51 && head[1] === 0x46 && head[2] === 0x49 && head[3] === 0xfb) return 'qcow2';
  return head.length > 0 ? 'raw' : 'unknown';
}

/** The most common folder of the templates' disk sources, e.g. `/opt/cloud`. */
function remoteDirectoryOf(templates: TemplateInfo[]): string | undefined {
  const counts = new Map<string, number>();
  for (const t of templates) {
    for (const d of t.disks) {
      const src = d.source?.value;
      if (!src || !src.startsWith('/')) continue;
      const dir = path.posix.dirname(src);
      counts.set(dir, (counts.get(dir) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [dir, n] of [...counts].sort()) {
    if (n > bestCount) {
      best = dir;
      bestCount = n;
    }
  }
  return best;
}

function unreadable(file: string, e: unknown): Diagnostic {
  return diagnostic('project-unreadable', 'error', `cannot read ${file}: ${errorMessage(e)}`, zeroRange, { source: 'vm-context' });
}

/** Convenience for one-shot callers (the CLI). */
export async function loadProject(fs: FileSystem, root: string): Promise<ContextProject> {
  return new ProjectLoader(fs).load(root);
}

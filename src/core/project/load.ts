// Loads a context project from a folder. A ProjectLoader keeps what it read keyed by file
// size and modification time, so reloading after one file changes re-parses only that file.
import type { DiagnosticCode } from '../common/diagnosticCodes';
import * as path from 'node:path';
import { decodeText, type FileStat, type FileSystem } from '../common/fileSystem';
import { diagnostic, zeroRange, type Diagnostic } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import { globMatcher } from '../common/glob';
import { entryJoiner } from '../common/paths';
import { parseXml } from '../xml/parse';
import { mapConcurrent } from '../common/mapConcurrent';
import { networkFilePath } from '../network/contextPaths';
import { readNetworkSettings } from '../network/networkFile';
import { parseCidr, parseIPv4, prefixToNetmask, networkOf } from '../network/ipv4';
import { CLOUD_INIT_KINDS, type CloudInitKind } from '../cloudinit/cloudInitTypes';
import { metaDataInstanceId } from '../cloudinit/metaData';
import { MANIFEST_FILE, manifestValueRange, parseManifest, type Addressing, type Manifest } from './manifest';
import { OUTPUT_CONFLICT_CODE, outputConflicts } from './outputPaths';
import { MAX_TEMPLATE_BYTES, describeTemplate, sniffRootElement, type TemplateInfo } from './template';
import { LineIndex } from '../common/text';
import { firstInvalidUtf8, hasUtf8Bom } from '../common/utf8';
import { brokenLinkKind, brokenLinkMessage, linkInside, outsideLinkMessage, specialFileMessage, type BrokenLink } from '../image/iso9660/contextEntries';
import {
  DEFAULTS,
  IMAGE_EXTENSIONS,
  contextFileRole,
  overlayPath,
  seedPath,
  stateFilePath,
  postInstallRunnerOf,
  type BaseImage,
  type CloudInitFile,
  type CloudInitLayout,
  type ContextFile,
  type ContextProject,
  type ImageFormat,
  type NetworkSettings,
  type PostInstallRunner,
} from './project';

/** Folders never searched for templates. */
const SKIPPED_DIRS = new Set(['build', 'node_modules']);
/** Stop walking a pathological tree; a project has tens of files. */
const MAX_WALK_ENTRIES = 20000;
/** How much of a file too big to be a template is read to see whether it is one. */
const SNIFF_BYTES = 64 * 1024;

interface CacheEntry {
  size: number;
  mtimeMs: number;
  template: TemplateInfo | undefined;
  /** Whether the manifest's globs named it (a named non-template is an error, an unnamed one is skipped). */
  named: boolean;
  /** Why the file is not (fully) usable as a template: reported on every load. */
  problems: Diagnostic[];
}

export class ProjectLoader {
  private readonly cache = new Map<string, CacheEntry>();
  /** Counts invalidations: a read begun before one may hold the old bytes and is not cached. */
  private invalidations = 0;

  /**
   * `keepDocuments` false: the templates' parsed documents are not kept for later readers (a
   * `vmctx check` parses each again once, which costs less than keeping a fleet's alive).
   */
  constructor(
    private readonly fs: FileSystem,
    private readonly options: { keepDocuments?: boolean } = {},
  ) {}

  /** Forget a file so the next load reads it again (for changes without an mtime change). */
  invalidate(file: string): void {
    this.cache.delete(file);
    this.invalidations++;
  }

  async load(root: string): Promise<ContextProject> {
    root = path.resolve(root);
    const problems: ContextProject['diagnostics'] = [];
    const problem = (file: string, d: Diagnostic) => problems.push({ file, diagnostic: d });

    let manifest: Manifest = {};
    let manifestText = '';
    let manifestPath: string | undefined = path.join(root, MANIFEST_FILE);
    const mstat = await this.fs.stat(manifestPath);
    // A folder, pipe or broken link in its place is no absent manifest: the settings the user
    // wrote would silently give way to the defaults (and a pipe is never opened: it blocks).
    const manifestIs = mstat && (await this.regularFile(manifestPath, mstat, problem));
    if (manifestIs?.stat) {
      try {
        manifestText = decodeText(await this.fs.readFile(manifestPath));
        const parsed = parseManifest(manifestText);
        manifest = parsed.manifest;
        for (const d of parsed.diagnostics) problem(manifestPath, d);
      } catch (e) {
        problem(manifestPath, unreadable(manifestPath, e));
      }
    } else {
      if (manifestIs?.instead) {
        problem(manifestPath, notAFile(`${MANIFEST_FILE} is not a file but ${manifestIs.instead}: the project's settings cannot be read from it, so nothing can be built as they say; make it a file (or remove it to use the defaults)`));
      }
      manifestPath = undefined;
    }

    const flavor = manifest.flavor ?? DEFAULTS.flavor;
    const contextDir = path.resolve(root, manifest.contextDir ?? DEFAULTS.contextDir);
    // A linked context folder is one (the build reads it through the link).
    const contextAt = await this.folderAt(contextDir);
    const contextDirExists = contextAt.folder;
    // A NoCloud project has no context.iso: a leftover context/ folder is not part of it.
    const contextFiles = contextDirExists && flavor === 'snooze' ? await this.listContext(contextDir, problem) : [];
    // A NoCloud project's network is in the manifest; a Snooze project's in common/network.
    const network = flavor === 'nocloud' ? manifestNetworkSettings(manifest) : contextDirExists ? await this.readNetwork(contextDir) : undefined;
    const cloudInit = flavor === 'nocloud' ? await this.listCloudInit(path.join(root, DEFAULTS.cloudInitDir), problem) : undefined;
    // How the guest runs post-install: a Snooze project's in-guest script says.
    const postInstallRunner = flavor === 'snooze' ? await this.readRunner(root) : undefined;

    const templates = await this.findTemplates(root, manifest, contextDir, problem);
    const images = await this.listImages(root);
    const baseImage = await this.findBaseImage(root, manifest, manifestPath, images, problem);

    const project: ContextProject = {
      root,
      flavor,
      cloudInit,
      manifestPath,
      manifest,
      contextDir,
      contextDirExists,
      ...(contextAt.instead ? { contextDirIs: contextAt.instead } : {}),
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
      postInstallRunner,
      diagnostics: problems,
    };
    this.checkOutputs(project, manifestText, problem);
    return project;
  }

  /** Outputs that would land on inputs, each other or the context folder: on the setting that names them. */
  private checkOutputs(project: ContextProject, manifestText: string, problem: (file: string, d: Diagnostic) => void): void {
    const vms = [...new Set(project.templates.map((t) => t.name?.value).filter((n): n is string => !!n))];
    const conflicts = outputConflicts(
      {
        iso: project.flavor === 'nocloud' ? undefined : project.output.iso, overlaysDir: project.output.overlaysDir, stateFile: stateFilePath(project), overlays: vms.map((vm) => ({ vm, path: overlayPath(project, vm) })),
        ...(project.flavor === 'nocloud' ? { seedsDir: project.output.seedsDir, seeds: vms.map((vm) => ({ vm, path: seedPath(project, vm) })) } : {}),
      },
      { projectDir: project.root, contextDir: project.contextDir, cloudInitDir: project.cloudInit?.dir, baseImage: project.baseImage?.path, files: [...project.templates.map((t) => t.file), ...(project.manifestPath ? [project.manifestPath] : [])] },
    );
    for (const c of conflicts) {
      const template = c.vm ? project.templates.find((t) => t.name?.value === c.vm) : undefined;
      const setting = c.setting === 'name' ? undefined : ['output', c.setting];
      const range = setting && project.manifestPath ? manifestValueRange(manifestText, setting) : undefined;
      if (range || !template?.name) problem(project.manifestPath ?? project.root, diagnostic(OUTPUT_CONFLICT_CODE, 'error', c.message, range ?? zeroRange, { source: 'vm-context' }));
      else problem(template.file, diagnostic(OUTPUT_CONFLICT_CODE, 'error', c.message, template.name.range, { source: 'vm-context' }));
    }
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
    const at = await this.folderAt(dir);
    const layout: CloudInitLayout = { dir, dirExists: at.folder, ...(at.instead ? { dirIs: at.instead } : {}), files: [], others: [] };
    if (!layout.dirExists) return layout;
    const notSeedFile = (abs: string, instead: string) =>
      problem(abs, notAFile(`${path.relative(dir, abs).split(path.sep).join('/')} is not a file but ${instead}: cloud-init cannot read it, and no seed can be built with it; make it a file`));
    const enter = (dirAbs: string, name: string) => {
      // A folder named as a seed file is a mistake, not a VM's folder nor a stray one.
      if (CLOUD_INIT_KINDS.includes(name as CloudInitKind)) notSeedFile(path.join(dirAbs, name), 'a folder');
      else if (dirAbs === dir) return true;
      else layout.others.push(path.join(dirAbs, name)); // deeper folders are not part of a seed
      return false;
    };
    const visit = async (abs: string, type: string): Promise<void> => {
      const rel = path.relative(dir, abs).split(path.sep);
      const kind = rel[rel.length - 1] as CloudInitKind;
      if (!CLOUD_INIT_KINDS.includes(kind) || rel.length > 2) {
        layout.others.push(abs);
        return;
      }
      if (type !== 'file') {
        const is = await this.regularFile(abs, await this.fs.stat(abs), problem);
        if (!is?.stat) {
          if (is?.instead) notSeedFile(abs, is.instead);
          return;
        }
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
    };
    await this.walk(dir, enter, problem, async (abs, type) => {
      // A VM's folder may be a link to a folder, as cloud-init/ itself may: its files are the VM's
      // (the build reads them through the link). Links deeper down are not followed.
      const name = path.basename(abs);
      if (type === 'symlink' && path.dirname(abs) === dir && !CLOUD_INIT_KINDS.includes(name as CloudInitKind) && (await this.folderAt(abs)).folder) {
        return this.walk(abs, enter, problem, visit);
      }
      return visit(abs, type);
    });
    layout.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    layout.others.sort();
    return layout;
  }

  /** How the project's in-guest script runs post-install, if the project has that script. */
  private async readRunner(root: string): Promise<PostInstallRunner | undefined> {
    const file = path.join(root, DEFAULTS.guestScript);
    try {
      if ((await this.fs.stat(file))?.type !== 'file') return undefined;
      const found = postInstallRunnerOf(decodeText(await this.fs.readFile(file)));
      return found && { ...found, file };
    } catch {
      return undefined; // an unreadable guest script tells nothing; the checks then warn
    }
  }

  private async listContext(contextDir: string, problem: (file: string, d: Diagnostic) => void): Promise<ContextFile[]> {
    const out: ContextFile[] = [];
    const lookInto = async (file: ContextFile) => {
      const st = await this.fs.stat(file.path);
      if (st?.mode !== undefined) file.executable = (st.mode & 0o111) !== 0;
      try {
        file.bom = hasUtf8Bom(await this.fs.readHead(file.path, 3));
      } catch (e) {
        problem(file.path, unreadable(file.path, e));
      }
    };
    const enter = (dirAbs: string, name: string) => {
      // A folder where the guest looks for one of its files (common/network/): said, and walked.
      const abs = path.join(dirAbs, name);
      const relative = path.relative(contextDir, abs).split(path.sep).join('/');
      const role = contextFileRole(relative);
      if (role !== 'other') problem(abs, guestNotAFile({ relative }, 'a folder'));
      return true;
    };
    await this.walk(contextDir, enter, problem, (abs, type, relative) => {
      const role = contextFileRole(relative);
      const file: ContextFile = { path: abs, relative, role, type: type === 'file' || type === 'symlink' ? type : 'other' };
      out.push(file);
      // The guest's shell files: their execute bit, and a BOM editors hide (the shell reads it as
      // the first "character"). Other files are not looked into: thousands cost no stat (nor a
      // promise) each.
      if (type !== 'file') return this.lookAtSpecial(contextDir, file, problem);
      return role !== 'other' ? lookInto(file) : undefined;
    });
    return out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  }

  /**
   * What `file` (whose own stat is `st`) leads to: its own stat, or the stat at the end of its
   * links; when the links lead to nothing, what that is ("a symbolic link to "x", which does
   * not exist", or a loop).
   */
  private async linkEnd(file: string, st: FileStat): Promise<{ end: FileStat; linked: boolean } | { instead: string; broken: BrokenLink }> {
    if (st.type !== 'symlink') return { end: st, linked: false };
    const end = await this.fs.resolveLink(file);
    if (typeof end === 'string') return { instead: brokenLinkKind(await this.fs.readLink(file), end), broken: end };
    return { end, linked: true };
  }

  /** What stands at `file` instead of a `wanted` thing ("a folder", "a symbolic link to a named pipe"); undefined when it is one. */
  private static instead(at: { end: FileStat; linked: boolean }, wanted: FileStat['type']): string | undefined {
    if (at.end.type === wanted) return undefined;
    return at.linked ? `a symbolic link to ${kindOf(at.end)}` : kindOf(at.end);
  }

  /**
   * Whether `file` (whose own stat is `st`) is a regular file or a link to one: `stat` then is
   * that file's. Otherwise `instead` says what it is ("a folder", "a named pipe", "a symbolic
   * link to "x", which does not exist"). Undefined when it is gone or cannot be looked at (said).
   */
  private async regularFile(file: string, st: FileStat | undefined, problem: (file: string, d: Diagnostic) => void): Promise<{ stat?: FileStat; instead?: string; broken?: BrokenLink } | undefined> {
    if (!st) return undefined;
    try {
      const at = await this.linkEnd(file, st);
      if ('broken' in at) return at;
      const instead = ProjectLoader.instead(at, 'file');
      return instead ? { instead } : { stat: at.end };
    } catch (e) {
      problem(file, unreadable(file, e));
      return undefined;
    }
  }

  /** Whether `dir` is a folder or a link to one; else what is there instead (nothing: no `instead`). */
  private async folderAt(dir: string): Promise<{ folder: boolean; instead?: string }> {
    try {
      const st = await this.fs.stat(dir);
      if (!st) return { folder: false };
      const at = await this.linkEnd(dir, st);
      const instead = 'broken' in at ? at.instead : ProjectLoader.instead(at, 'directory');
      return instead ? { folder: false, instead } : { folder: true };
    } catch (e) {
      return { folder: false, instead: `a path that cannot be looked at (${errorMessage(e)})` };
    }
  }

  /**
   * A context entry that is not a plain file: said as the build's scan says it (the same codes
   * and words), so `vmctx check` and the editor show what the build would leave out or keep
   * broken. The guest's own files must be files: an error there, where the guest would fail.
   */
  private async lookAtSpecial(contextDir: string, file: ContextFile, problem: (file: string, d: Diagnostic) => void): Promise<void> {
    const say = (code: DiagnosticCode, message: string) => problem(file.path, diagnostic(code, 'warning', message, zeroRange, { source: 'vm-context' }));
    const st = await this.fs.stat(file.path);
    if (!st) return;
    if (file.type === 'symlink') {
      let raw: string;
      try {
        raw = await this.fs.readLink(file.path);
      } catch (e) {
        problem(file.path, unreadable(file.path, e));
        return;
      }
      if (linkInside(contextDir, file.relative, raw) === undefined) {
        // The image leaves such a link out: for the guest's own files, the guest has none.
        if (file.role === 'other') say('iso-symlink-outside', outsideLinkMessage(raw));
        else {
          file.notAFile = `a symbolic link to "${raw}", outside the context folder, which the image leaves out`;
          problem(file.path, guestNotAFile(file, file.notAFile));
        }
        return;
      }
      const is = await this.regularFile(file.path, st, problem);
      if (!is || is.stat) return;
      file.notAFile = is.instead;
      if (file.role !== 'other') problem(file.path, guestNotAFile(file, is.instead!));
      else if (is.broken) say('iso-symlink-broken', brokenLinkMessage(raw, is.broken));
      return;
    }
    file.notAFile = kindOf(st);
    if (file.role !== 'other') problem(file.path, guestNotAFile(file, file.notAFile));
    else say('iso-special-file', specialFileMessage(file.notAFile));
  }

  private async findTemplates(
    root: string,
    manifest: Manifest,
    contextDir: string,
    problem: (file: string, d: Diagnostic) => void,
  ): Promise<TemplateInfo[]> {
    const matches = manifest.templates && globMatcher(manifest.templates);
    // The walk's paths are joined onto root (resolved): their relative path is what follows it
    // (path.relative resolved both paths again for each of a fleet's files: 25 ms over 1,000).
    const under = root.endsWith(path.sep) ? root : root + path.sep;
    const isCandidate = (abs: string) => {
      const rel = (abs.startsWith(under) ? abs.slice(under.length) : path.relative(root, abs)).split(path.sep).join('/');
      return matches ? matches(rel) : rel.toLowerCase().endsWith('.xml');
    };
    // A folder, pipe or broken link where a template is looked for: an error when the manifest's
    // "templates" name it (the user said it is a VM, as for template-not-domain), a warning when
    // only the default *.xml search found it (probably a VM too, but nothing says so).
    const notTemplate = (abs: string, instead: string) =>
      problem(
        abs,
        notAFile(
          `${path.relative(root, abs).split(path.sep).join('/')} is not a file but ${instead}: not checked, built or deployed (virsh define reads a file)${matches ? ' (the manifest\'s "templates" name it)' : ''}`,
          matches ? 'error' : 'warning',
        ),
      );
    const candidates: string[] = [];
    await this.walk(
      root,
      (dirAbs, name) => {
        const abs = path.join(dirAbs, name);
        if (name.startsWith('.') || SKIPPED_DIRS.has(name) || abs === contextDir) return false;
        // Only a folder named like a template file: a glob such as vms/** names folders too.
        if (name.toLowerCase().endsWith('.xml') && isCandidate(abs)) notTemplate(abs, 'a folder');
        return true;
      },
      problem,
      async (abs, type) => {
        if (!isCandidate(abs)) return;
        if (type === 'file') {
          candidates.push(abs);
          return;
        }
        // A link to a template is one (virsh define follows it); what else is there is said.
        const is = await this.regularFile(abs, await this.fs.stat(abs), problem);
        if (is?.stat) candidates.push(abs);
        else if (is?.instead) notTemplate(abs, is.instead);
      },
    );
    candidates.sort();
    // Several reads in flight: a fleet has thousands of templates.
    const read = await mapConcurrent(candidates, 16, (file) => this.readTemplate(file, !!matches, problem));
    return read.filter((t): t is TemplateInfo => !!t?.isDomain);
  }

  /**
   * A candidate file as a template. Every file that is one (or that the manifest's "templates"
   * globs name) is either described, so it is checked, built and deployed, or gets an error
   * saying why not: too big, not a <domain>, not UTF-8.
   */
  private async readTemplate(file: string, named: boolean, problem: (file: string, d: Diagnostic) => void): Promise<TemplateInfo | undefined> {
    try {
      const invalidations = this.invalidations;
      let st = await this.fs.stat(file);
      if (st?.type === 'symlink') {
        // A linked template: the size and time of the file it leads to, so edits to it are seen.
        const end = await this.fs.resolveLink(file);
        st = typeof end === 'string' || end.type !== 'file' ? undefined : end;
      }
      if (!st) return undefined;
      let hit = this.cache.get(file);
      if (!hit || hit.size !== st.size || hit.mtimeMs !== st.mtimeMs || hit.named !== named) {
        hit = { size: st.size, mtimeMs: st.mtimeMs, named, ...(await this.describeCandidate(file, st.size, named)) };
        if (invalidations === this.invalidations) this.cache.set(file, hit);
      }
      for (const d of hit.problems) problem(file, d);
      return hit.template;
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

  private async describeCandidate(file: string, size: number, named: boolean): Promise<Pick<CacheEntry, 'template' | 'problems'>> {
    const why = (code: DiagnosticCode, message: string, at = zeroRange) => [diagnostic(code, 'error', message, at, { source: 'vm-context' })];
    const glob = named ? ' (the manifest\'s "templates" name it)' : '';
    if (size > MAX_TEMPLATE_BYTES) {
      const root = sniffRootElement(decodeText(await this.fs.readHead(file, SNIFF_BYTES)));
      if (root !== 'domain' && !named) return { template: undefined, problems: [] };
      const mb = (size / 1024 / 1024).toFixed(1);
      return {
        template: undefined,
        problems: why('xml-too-large', `not checked, built or deployed: the file is ${mb} MB (limit ${MAX_TEMPLATE_BYTES / 1024 / 1024} MB)${glob}; a domain template is a few KB`),
      };
    }
    const bytes = await this.fs.readFile(file);
    const text = decodeText(bytes);
    // The whole file, not a first block: a long licence comment may come before <domain>.
    const root = sniffRootElement(text);
    if (root !== 'domain') {
      if (!named) return { template: undefined, problems: [] };
      const what = root ? `its root element is <${root}>, not <domain>` : 'it holds no XML element';
      return { template: undefined, problems: why('template-not-domain', `not checked, built or deployed: ${what}${glob}`) };
    }
    const template = describeTemplate(file, parseXml(text, { cache: this.options.keepDocuments ?? true }));
    const bad = firstInvalidUtf8(bytes);
    if (bad === undefined) return { template, problems: [] };
    // Where the byte shows in the editor: the decoded text up to it (U+FFFD stands for it there).
    const before = decodeText(bytes.subarray(0, bad));
    const at = new LineIndex(before).positionAt(before.length);
    const hex = [...bytes.subarray(bad, bad + 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    return {
      template,
      problems: why(
        'xml-not-utf8',
        `not UTF-8 at byte ${bad} (${hex}): virsh define refuses the file ("Input is not proper UTF-8"); save it as UTF-8`,
        { start: at, end: { line: at.line, character: at.character + 1 } },
      ),
    };
  }

  private async findBaseImage(
    root: string,
    manifest: Manifest,
    manifestPath: string | undefined,
    images: string[],
    problem: (file: string, d: Diagnostic) => void,
  ): Promise<BaseImage | undefined> {
    if (manifest.baseImage) return this.describeImage(path.resolve(root, manifest.baseImage), problem);
    const imagesDir = path.join(root, DEFAULTS.imagesDir);
    if (images.length === 1) return this.describeImage(images[0], problem);
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

  private async describeImage(file: string, problem: (file: string, d: Diagnostic) => void): Promise<BaseImage> {
    const st = await this.fs.stat(file);
    if (!st) return { path: file, exists: false };
    let format: ImageFormat = 'unknown';
    // A pipe or socket is never opened (the read would block for good); a device (an LVM volume) is read as an image.
    let end: Awaited<ReturnType<FileSystem['resolveLink']>> | FileStat = st;
    if (st.type === 'symlink') end = await this.fs.resolveLink(file).catch(() => 'missing' as const);
    if (typeof end !== 'string' && (end.special === 'a named pipe' || end.special === 'a socket')) {
      problem(file, notAFile(`the base image ${file} is not a file but ${st.type === 'symlink' ? `a symbolic link to ${end.special}` : end.special}: no overlay can be made over it; name the image file (or a block device)`));
      return { path: file, exists: true, format, size: 0 };
    }
    try {
      format = imageFormatOf(await this.fs.readHead(file, 4));
    } catch {
      // An unreadable image is reported by the build, which needs it.
    }
    return { path: file, exists: true, format, size: st.size };
  }

  /**
   * Depth-first walk; `enter` decides which folders to descend into. `visit` gets each path also
   * relative to `dir`, '/'-separated (made as the walk goes: path.relative per file was most of
   * the cost of a context folder of thousands of files).
   */
  private async walk(
    dir: string,
    enter: (dirAbs: string, name: string) => boolean,
    problem: (file: string, d: Diagnostic) => void,
    visit: (abs: string, type: string, relative: string) => Promise<void> | undefined,
  ): Promise<void> {
    const stack: Array<[string, string]> = [[dir, '']];
    let seen = 0;
    while (stack.length) {
      const [current, currentRel] = stack.pop()!;
      let entries;
      try {
        entries = await this.fs.readDirectory(current);
      } catch (e) {
        problem(current, unreadable(current, e));
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      const entryPath = entryJoiner(current);
      for (const e of entries) {
        if (++seen > MAX_WALK_ENTRIES) return;
        const abs = entryPath(e.name);
        const rel = currentRel ? `${currentRel}/${e.name}` : e.name;
        if (e.type === 'directory') {
          if (enter(current, e.name)) stack.push([abs, rel]);
        } else {
          const visiting = visit(abs, e.type, rel);
          if (visiting) await visiting;
        }
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

/** What a file system entry that is not a regular file is, for messages. */
function kindOf(st: FileStat): string {
  return st.type === 'directory' ? 'a folder' : st.type === 'symlink' ? 'a symbolic link' : (st.special ?? 'not a regular file');
}

function notAFile(message: string, severity: 'error' | 'warning' = 'error'): Diagnostic {
  return diagnostic('project-not-a-file', severity, message, zeroRange, { source: 'vm-context' });
}

function guestNotAFile(file: Pick<ContextFile, 'relative'>, instead: string): Diagnostic {
  return notAFile(`${file.relative} is not a file but ${instead}: the guest cannot read it from the CD-ROM; make it a file`);
}

function unreadable(file: string, e: unknown): Diagnostic {
  return diagnostic('project-unreadable', 'error', `cannot read ${file}: ${errorMessage(e)}`, zeroRange, { source: 'vm-context' });
}

/** Convenience for one-shot callers (the CLI). */
export async function loadProject(fs: FileSystem, root: string, options: { keepDocuments?: boolean } = {}): Promise<ContextProject> {
  return new ProjectLoader(fs, options).load(root);
}

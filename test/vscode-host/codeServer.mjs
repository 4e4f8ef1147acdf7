// A real VS Code for the integration and end-to-end layers: code-server (VS Code in the
// browser, installed from npm), kept in its own folder outside the extension's dependencies,
// started on 127.0.0.1 with throw-away user-data and extensions folders, stopped by PID.
// Facts behind this: ../shared/notes/vscode-in-ci.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync, openSync, closeSync, ftruncateSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** code-server 4.99.4 ships VS Code 1.99.3 and runs on Node 20 (newer ones need Node 22+). */
export const CODE_SERVER_VERSION = '4.99.4';
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheRoot = process.env.VMCTX_VSCODE_CACHE ?? join(repoRoot, '.vscode-test');
const installDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
const marker = join(installDir, '.installed');
export const codeServerEntry = join(installDir, 'node_modules/code-server/out/node/entry.js');

/** Ends a test runner with `code`, even when a browser or server handle still lingers. */
export function quit(code) {
  process.exitCode = code;
  process.exit.call(process);
}

/** Thrown when VS Code cannot be installed or started: the harness reports it and fails. */
export class HarnessError extends Error {}

function log(message) {
  process.stderr.write(`[vscode-host] ${message}\n`);
}

/**
 * `@vscode/ripgrep`'s postinstall downloads rg from GitHub unless its cache holds the
 * archive; Debian's ripgrep 13.0.0 (/usr/bin/rg) packed under that name is used as is.
 */
function prepareRipgrepCache() {
  const dir = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const archive = join(dir, RIPGREP_ASSET);
  if (existsSync(archive)) return;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => existsSync(p));
  if (!rg) throw new HarnessError('ripgrep is not installed (Debian package "ripgrep"); code-server cannot be installed offline without it. .ci/run installs it from .ci/apt-packages.txt.');
  mkdirSync(dir, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), 'rg-stage-'));
  try {
    cpSync(rg, join(stage, 'rg'));
    const r = spawnSync('tar', ['-czf', archive, '-C', stage, 'rg'], { stdio: 'inherit' });
    if (r.status !== 0) throw new HarnessError(`could not pack ${rg} into ${archive}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  log(`ripgrep cache: ${archive} (from ${rg})`);
}

function installed() {
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(codeServerEntry);
}

/** Installs code-server once into .vscode-test/code-server-VERSION/ and reuses it afterwards. */
export function ensureCodeServer() {
  if (installed()) return codeServerEntry;
  const [major] = process.versions.node.split('.');
  if (major !== '20') throw new HarnessError(`code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.versions.node}.`);
  prepareRipgrepCache();
  mkdirSync(installDir, { recursive: true });
  writeFileSync(
    join(installDir, 'package.json'),
    JSON.stringify({ name: 'vmctx-code-server', private: true, description: 'VS Code (code-server) for the vm-context test layers; not a dependency of the extension.', dependencies: { 'code-server': CODE_SERVER_VERSION }, allowScripts: { 'code-server': true, argon2: true } }, null, 2) + '\n',
  );
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${installDir} (a few minutes, once)`);
  const logFile = join(installDir, 'install.log');
  const fd = openSync(logFile, 'w');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--foreground-scripts'], {
    cwd: installDir,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_ignore_scripts: 'false' },
  });
  closeSync(fd);
  if (r.status !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new HarnessError(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status}); log ${logFile}:\n${tail}`);
  }
  // The postinstall installs VS Code's own node_modules; without them the server cannot start.
  const vscodeModules = join(installDir, 'node_modules/code-server/lib/vscode/node_modules');
  const rg = join(vscodeModules, '@vscode/ripgrep/bin/rg');
  if (!existsSync(codeServerEntry) || !existsSync(rg)) {
    throw new HarnessError(`code-server's postinstall did not complete (${existsSync(codeServerEntry) ? `missing ${rg}` : `missing ${codeServerEntry}`}); see ${logFile}.`);
  }
  writeFileSync(marker, CODE_SERVER_VERSION + '\n');
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return codeServerEntry;
}

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/**
 * Copies examples/snooze-cluster (and schemas/, which its manifest's "$schema" names as
 * ../../schemas) into a fresh temp folder: tests may edit and break it freely.
 */
export function copyExample(name = 'snooze-cluster') {
  const base = mkdtempSync(join(tmpdir(), 'vmctx-ws-'));
  const folder = join(base, 'examples', name);
  cpSync(join(repoRoot, 'examples', name), folder, { recursive: true, filter: (src) => !/[\\/](build|node_modules)$/.test(src) });
  cpSync(join(repoRoot, 'schemas'), join(base, 'schemas'), { recursive: true });
  // The overlays need a base image; like `npm start`, make a blank sparse one (no disk space).
  const image = join(folder, 'images/debian-base.raw');
  if (!existsSync(image)) {
    const fd = openSync(image, 'w');
    ftruncateSync(fd, 64 * 1024 * 1024);
    closeSync(fd);
  }
  return { base, folder };
}

/**
 * Starts code-server; resolves once it answers HTTP. `trust: false` leaves workspace trust on
 * (the folder opens restricted). Call `stop()` in a finally block.
 */
export async function startCodeServer({ trust = true, settings = {}, logFile, env = {}, vsix = [] } = {}) {
  const entry = ensureCodeServer();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'vmctx-code-server-'));
  const userDataDir = join(dataDir, 'user-data');
  const extensionsDir = join(dataDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // Packaged extensions to install first, as a user would (`--install-extension x.vsix`).
  for (const file of vsix) {
    const r = spawnSync(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new HarnessError(`code-server could not install ${file}: ${(r.stderr || r.stdout).trim()}`);
  }
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.emptyWindow': false,
        'git.enabled': false,
        // VS Code's port scanner runs ps/ls every few seconds: noise in "no process" checks.
        'remote.autoForwardPorts': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--ignore-last-opened',
  ];
  if (trust) args.push('--disable-workspace-trust');
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', out, out],
    env: { ...process.env, VSCODE_PROXY_URI: '', PASSWORD: '', HASHED_PASSWORD: '', ...env },
    detached: true, // its own process group: stop() ends the server and the extension hosts it forked
  });
  if (typeof out === 'number') closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (exited === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      stop();
      throw new HarnessError(`code-server exited during start-up (${exited.code ?? exited.signal})${logFile ? `; log ${logFile}` : ''}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new HarnessError(`code-server did not answer on ${url} within 60 s${logFile ? `; log ${logFile}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, pid: child.pid, userDataDir, stop };
}

/**
 * The workbench URL that opens `folder` with the extension at `tests.extensionDevelopmentPath`
 * and, with `tests.extensionTestsPath`, runs that test suite in its extension host.
 */
export function workbenchUrl(server, folder, tests) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const q = new URLSearchParams({ folder });
  if (tests) {
    const payload = [['extensionDevelopmentPath', remote(tests.extensionDevelopmentPath)]];
    if (tests.extensionTestsPath) payload.push(['extensionTestsPath', remote(tests.extensionTestsPath)]);
    payload.push(['skipWelcome', 'true']);
    q.set('payload', JSON.stringify(payload));
  }
  return `${server.url}/?${q.toString()}`;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Debian's chromium (playwright's own browser downloads cannot reach their host here). */
export function chromiumPath() {
  const candidates = [process.env.VMCTX_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new HarnessError(`no Chromium found (${candidates.join(', ')}); install the Debian package "chromium" (.ci/apt-packages.txt) or set VMCTX_CHROMIUM.`);
  return found;
}

// `node test/vscode-host/codeServer.mjs install` installs (or confirms) the cached code-server.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv[2] === 'install') {
      const t = Date.now();
      ensureCodeServer();
      log(`code-server ${CODE_SERVER_VERSION} ready in ${installDir} (${Math.round((Date.now() - t) / 1000)} s)`);
    } else {
      console.error('usage: node test/vscode-host/codeServer.mjs install');
      quit(2);
    }
  } catch (e) {
    log(e instanceof HarnessError ? e.message : String(e?.stack ?? e));
    quit(1);
  }
}

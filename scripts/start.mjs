// `npm start` (after `npm run build`): prints `vmctx check` of the example project, then opens
// it in a real VS Code with this extension loaded — desktop VS Code when `code` is on PATH,
// otherwise VS Code in the browser (code-server, installed once into .vscode-test/).
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, ftruncateSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(repo, 'examples/snooze-cluster');

// The overlays need a base image; the example generates a blank one instead of committing it.
const base = join(example, 'images/debian-base.raw');
if (!existsSync(base)) {
  mkdirSync(dirname(base), { recursive: true });
  const fd = openSync(base, 'w');
  ftruncateSync(fd, 64 * 1024 * 1024); // sparse: takes no disk space
  closeSync(fd);
  console.log(`wrote ${base} (64 MiB, blank)`);
}

console.log(`\n$ vmctx check examples/snooze-cluster`);
const check = spawnSync(process.execPath, [join(repo, 'dist/cli.js'), 'check', example], { stdio: 'inherit' });
console.log(check.status === 0 ? '(no errors)\n' : `(vmctx check exited ${check.status})\n`);

function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

if (onPath('code') && !process.env.VMCTX_USE_CODE_SERVER) {
  console.log('Opening the example in VS Code (desktop) with the extension in development mode…');
  const r = spawnSync('code', [`--extensionDevelopmentPath=${repo}`, '--new-window', example], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { startCodeServer, HarnessError } = await import('../test/vscode-host/codeServer.mjs');
console.log('Desktop VS Code (`code`) is not on PATH: starting VS Code in the browser (code-server).');
console.log('The first run installs code-server into .vscode-test/ (a few minutes).');
let server;
try {
  server = await startCodeServer({ trust: true });
} catch (e) {
  console.error(e instanceof HarnessError ? `npm start: ${e.message}` : e);
  process.exit(1);
}
const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
const url = `${server.url}/?${new URLSearchParams({
  folder: example,
  payload: JSON.stringify([['extensionDevelopmentPath', remote(repo)]]),
}).toString()}`;
console.log(`\nVS Code with the VM Context extension, on the example project:\n\n  ${url}\n\nOpen it in a browser on this machine. Ctrl+C stops the server.`);

const stop = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Keep running until interrupted.
setInterval(() => {}, 1 << 30);


// The packaged extension as a user gets it: `npm run package` makes dist/vm-context.vsix,
// code-server installs it (`--install-extension`, no development path), and the workbench
// opened on a copy of the example shows the VM Context view with the project's VMs — proof
// that the VSIX holds everything it needs to activate. Prints `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, copyExample, repoRoot, startCodeServer, workbenchUrl } from '../vscode-host/codeServer.mjs';

const outDir = join(repoRoot, 'test-output/e2e');
const vsix = join(repoRoot, 'dist/vm-context.vsix');
const TIMEOUT = Number(process.env.VMCTX_E2E_STEP_TIMEOUT ?? 60_000);

async function main() {
  mkdirSync(outDir, { recursive: true });
  const pack = spawnSync('npm', ['run', 'package', '--silent'], { cwd: repoRoot, encoding: 'utf8' });
  if (pack.status !== 0 || !existsSync(vsix)) throw new Error(`npm run package failed:\n${pack.stdout}\n${pack.stderr}`);
  const { base, folder } = copyExample();
  const server = await startCodeServer({ vsix: [vsix], logFile: join(outDir, 'vsix-code-server.log') });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  const shot = join(outDir, 'vsix-installed.png');
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(server, folder));
    // The activity bar entry exists once the installed extension's contributions load…
    const entry = page.locator('.activitybar [aria-label^="VM Context"]').first();
    await entry.waitFor({ state: 'visible', timeout: TIMEOUT });
    await entry.click();
    // …and the tree lists the example's VMs only if the extension activated and read the project.
    await page.locator('.monaco-list-row', { hasText: 'debian1' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    await page.screenshot({ path: shot });
    console.log(`  ✓ the packaged VSIX installs in VS Code ${server.url} and activates on the example → ${shot}`);
    console.log('1 passed, 0 failed');
  } catch (e) {
    await browser.contexts()[0]?.pages()[0]?.screenshot({ path: shot }).catch(() => {});
    console.log(`  ✗ the packaged VSIX installs and activates: ${e instanceof Error ? e.message : e} (screenshot ${shot})`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  } finally {
    await browser.close();
    server.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});

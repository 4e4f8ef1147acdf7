// Entry of the integration suite: VS Code's extension host calls run() (extensionTestsPath).
// Every *.test.ts under test/integration/ is compiled to out/test/integration/ and picked up
// here; those under untrusted/ run only in the session opened without workspace trust, those
// under fixtures/ only in the session opened on the fixture projects, those under nocloud/ only in
// the session on the NoCloud example, the others only in the trusted session on the Snooze example.
// Results go to a JSON file the runner reads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export interface TestResult {
  title: string;
  file?: string;
  state: 'passed' | 'failed';
  durationMs?: number;
  error?: string;
}

export interface SuiteResults {
  session: Session;
  vscodeVersion: string;
  files: string[];
  passed: number;
  failed: number;
  tests: TestResult[];
}

function collect(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

type Session = 'trusted' | 'untrusted' | 'fixtures' | 'nocloud';
/** Sessions whose tests live in a folder of their own. */
const OWN_FOLDER: Session[] = ['untrusted', 'fixtures', 'nocloud'];

export function run(): Promise<void> {
  const own = process.env.VMCTX_TEST_SESSION;
  const session: Session = own === 'fixtures' || own === 'nocloud' ? own : vscode.workspace.isTrusted ? 'trusted' : 'untrusted';
  const folderOf = (f: string) => OWN_FOLDER.find((s) => f.startsWith(path.join(__dirname, s) + path.sep)) ?? 'trusted';
  const files = collect(__dirname).filter((f) => folderOf(f) === session);
  const resultsFile = process.env.VMCTX_TEST_RESULTS_DIR
    ? path.join(process.env.VMCTX_TEST_RESULTS_DIR, `results-${session}.json`)
    : path.join(__dirname, `results-${session}.json`);
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', forbidOnly: true, forbidPending: true });
  for (const f of files) mocha.addFile(f);
  const results: SuiteResults = { session, vscodeVersion: vscode.version, files: files.map((f) => path.relative(__dirname, f)), passed: 0, failed: 0, tests: [] };
  const write = () => fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        write();
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else if (results.passed === 0) reject(new Error(`no integration test ran (${files.length} files)`));
        else resolve();
      });
      runner.on('pass', (t) => {
        results.passed++;
        results.tests.push({ title: t.fullTitle(), file: t.file && path.relative(__dirname, t.file), state: 'passed', durationMs: t.duration });
      });
      runner.on('fail', (t, err: Error) => {
        results.failed++;
        results.tests.push({ title: t.fullTitle(), file: t.file && path.relative(__dirname, t.file), state: 'failed', durationMs: t.duration, error: String(err?.stack ?? err) });
      });
    } catch (e) {
      results.failed++;
      results.tests.push({ title: 'loading the test files', state: 'failed', error: String((e as Error)?.stack ?? e) });
      write();
      reject(e);
    }
  });
}

// `npm run bench`: runs every benchmark module and prints one JSON document.
// Each module exports `run(): Promise<Record<string, unknown>>`; add yours to the list.
const modules: Array<[string, () => Promise<{ run(): Promise<Record<string, unknown>> }>]> = [
  ['xml', () => import('./xml.bench')],
  ['relaxng', () => import('./relaxng.bench')],
  ['domain', () => import('./domain.bench')],
  ['projectDiagnostics', () => import('./projectDiagnostics.bench')],
  ['image', () => import('./image.bench')],
  ['whole-process', () => import('./wholeProcess.bench')],
  // Just the ISO row of whole-process (about a minute).
  ['whole-process-iso', async () => ({ run: async () => ({ iso: (await import('./wholeProcess.bench')).isoBuild() }) })],
  // The start-up, check and activation rows of whole-process alone (only when named).
  ['startup', () => import('./wholeProcess.bench').then((m) => ({ run: m.runStartup }))],
  // The `vmctx rng` row and the example's check of whole-process alone (only when named).
  ['rng-process', () => import('./wholeProcess.bench').then((m) => ({ run: m.runRng }))],
  // The rows of many files on worker threads (rng over libvirt's test suite, check of 1,000 templates) alone.
  ['parallel', () => import('./wholeProcess.bench').then((m) => ({ run: m.runParallel }))],
  ['cloudinit', () => import('./cloudinit.bench')],
  ['deploy', () => import('./deploy.bench')],
];

async function main() {
  const only = process.argv.slice(2);
  const results: Record<string, unknown> = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
  for (const [name, load] of modules) {
    if (only.length ? !only.includes(name) : name === 'startup' || name === 'rng-process' || name === 'parallel') continue;
    results[name] = await (await load()).run();
  }
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});

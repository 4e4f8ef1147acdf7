// The virsh adapter against a fake libvirt (a VirshRunner answering like virsh 9.0): probing,
// local copies, pool uploads, define, and that a second deploy changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyHostPlan, domainStatus, probeHost, type VirshRunner } from '../../../src/core/io/virsh';
import { changeCount, planDeploy, type TargetHost, type VmSpec } from '../../../src/core/deploy/deployPlan';
import { loadDeployInputs } from '../../../src/core/io/deployFiles';
import { loadProject } from '../../../src/core/project/load';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { writeQcow2OverlayForTest } from './overlay-fixture';
import { applyDeploy, hashCacheFile, planProjectDeploy } from '../../../src/core/deploy/deployProject';
import { CancelledError } from '../../../src/core/common/errors';
import { copyExample, remove, repoRoot, tempDir } from '../helpers/tempProject';
import { formatPlan } from '../../../src/core/deploy/formatDeployPlan';

interface FakeDomain {
  uuid: string;
  xml: string;
  state: 'running' | 'shut off';
}

/** virsh's command-string parser, as much as the batches use: quotes, backslashes, `;`. */
function splitCommandString(text: string): string[][] {
  const commands: string[][] = [[]];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    if (text[i] === ';') {
      commands.push([]);
      i++;
      continue;
    }
    let token = '';
    let quoted = false;
    while (i < text.length && (quoted || (text[i] !== ' ' && text[i] !== ';'))) {
      if (text[i] === "'") quoted = !quoted;
      else if (!quoted && text[i] === '\\') token += text[++i];
      else token += text[i];
      i++;
    }
    commands[commands.length - 1].push(token);
  }
  return commands.filter((c) => c.length);
}

/** Just enough of virsh 9 for the deploy: listing, batches, define, start, pool and volumes. */
function fakeLibvirt(poolDir?: string) {
  const domains = new Map<string, FakeDomain>();
  const calls: string[] = [];
  const ok = (stdout = '') => ({ exitCode: 0, stdout, stderr: '' });
  const fail = (stderr: string) => ({ exitCode: 1, stdout: '', stderr });
  const one = (args: string[]) => {
    calls.push(args.join(' '));
    const [cmd, ...rest] = args;
    const last = rest[rest.length - 1];
    // Values from files always follow their option, as virsh takes them (never as options).
    const opt = (name: string) => rest[rest.indexOf(name) + 1];
    switch (cmd) {
      case 'echo':
        return ok(rest.join(' '));
      case 'help':
        return ok('    vol-upload <vol> <file> [--pool <string>] [--offset <number>] [--length <number>] [--sparse]\n');
      case 'list':
        return ok([...domains].map(([n, d]) => `${d.uuid} ${n}\n`).join(''));
      case 'domstate': {
        const d = domains.get(opt('--domain')!);
        return d ? ok(`${d.state}\n\n`) : fail(`error: failed to get domain '${opt('--domain')}'`);
      }
      case 'dumpxml': {
        const d = domains.get(opt('--domain')!);
        return d ? ok(d.xml) : fail(`error: failed to get domain '${opt('--domain')}'`);
      }
      case 'define': {
        const xml = readFileSync(last, 'utf8');
        const name = /<name>([^<]+)<\/name>/.exec(xml)![1];
        const uuid = /<uuid>([^<]+)<\/uuid>/.exec(xml)![1];
        domains.set(name, { uuid, xml, state: domains.get(name)?.state ?? 'shut off' });
        return ok(`Domain '${name}' defined from ${last}\n`);
      }
      case 'start':
        domains.get(opt('--domain')!)!.state = 'running';
        return ok();
      case 'pool-dumpxml':
        return ok(`<pool type='dir'><name>${last}</name><target><path>${poolDir}</path></target></pool>`);
      case 'vol-info': {
        const vol = opt('--vol')!;
        try {
          const st = statSync(path.join(poolDir!, vol));
          return ok(`Name:           ${vol}\nType:           file\nCapacity:       ${st.size} bytes\nAllocation:     ${st.blocks * 512} bytes\n`);
        } catch {
          return fail(`error: failed to get vol '${vol}'`);
        }
      }
      case 'vol-create-as':
        writeFileSync(path.join(poolDir!, opt('--name')), '');
        return ok();
      case 'vol-delete':
        rmSync(path.join(poolDir!, opt('--vol')));
        return ok();
      case 'vol-upload':
        copyFileSync(opt('--file'), path.join(poolDir!, opt('--vol')));
        return ok();
      case 'vol-download':
        copyFileSync(path.join(poolDir!, opt('--vol')), opt('--file'));
        return ok();
      default:
        return fail(`error: unknown command ${cmd}`);
    }
  };
  let processes = 0;
  const run: VirshRunner = async (_uri, args) => {
    processes++;
    if (args.length !== 1 || !args[0].includes(';')) return one(args);
    // One argument: virsh's command string; it goes on after a failed command.
    const results = splitCommandString(args[0]).map(one);
    return { exitCode: results[results.length - 1].exitCode, stdout: results.map((r) => r.stdout).join(''), stderr: results.map((r) => r.stderr).join('\n') };
  };
  return { run, domains, calls, processes: () => processes };
}

async function builtExample(): Promise<{ dir: string; vms: VmSpec[] }> {
  const dir = copyExample();
  mkdirSync(path.join(dir, 'build/overlays'), { recursive: true });
  writeFileSync(path.join(dir, 'images/debian-base.raw'), Buffer.alloc(1 << 20));
  for (const n of ['debian1', 'debian2', 'debian3']) writeQcow2OverlayForTest(path.join(dir, `build/overlays/${n}.qcow2`), 'debian-base.raw', 1 << 20);
  writeFileSync(path.join(dir, 'build/context.iso'), Buffer.alloc(4096, 7));
  const project = await loadProject(nodeFileSystem, dir);
  return { dir, vms: await loadDeployInputs(project) };
}

async function deployOnce(run: VirshRunner, host: TargetHost, vms: VmSpec[], start = false) {
  const state = await probeHost(run, host, vms);
  const plan = planDeploy(vms, [host], [state], { start });
  assert.deepEqual(plan.errors, []);
  const applied = await applyHostPlan(run, plan.hosts[0]);
  return { plan, applied };
}

test('build outputs are matched to the templates: overlay, backing base image, context.iso', async () => {
  const { dir, vms } = await builtExample();
  try {
    assert.deepEqual(vms.map((v) => v.name), ['debian1', 'debian2', 'debian3']);
    const v = vms[0];
    assert.equal(v.uuid, '7092c347-9628-4238-87dc-b4e2fd7819bd');
    assert.equal(v.overlay?.templatePath, '/opt/cloud/debian1.qcow2');
    assert.equal(v.overlay?.backing, 'debian-base.raw');
    assert.equal(v.overlay?.local.capacity, 1 << 20);
    assert.equal(v.iso?.templatePath, '/opt/cloud/context.iso');
    assert.equal(v.base?.path, path.join(dir, 'images/debian-base.raw'));
    // Nothing is hashed until a host holds a file of the same size.
    assert.equal(v.base?.sha256, undefined);
  } finally {
    remove(dir);
  }
});

test('local host: files copied where the host directory says, domains defined; the second deploy changes nothing', async () => {
  const { dir, vms } = await builtExample();
  const hostDir = tempDir('vmctx-host-');
  try {
    const lv = fakeLibvirt();
    const host: TargetHost = { uri: 'qemu:///system', local: true, directory: hostDir, vms: ['debian1', 'debian2'] };
    const first = await deployOnce(lv.run, host, vms, true);
    assert.equal(first.applied, 8);
    for (const f of ['debian-base.raw', 'context.iso', 'debian1.qcow2', 'debian2.qcow2']) {
      assert.ok(statSync(path.join(hostDir, f)).isFile(), f);
    }
    assert.equal(lv.domains.get('debian1')?.state, 'running');
    assert.match(lv.domains.get('debian1')!.xml, new RegExp(`<source file='${hostDir}/debian1.qcow2'/>`));
    assert.ok(lv.calls.some((c) => c.startsWith('define --validate ')));

    const second = await deployOnce(lv.run, host, vms, true);
    assert.equal(changeCount(second.plan), 0);
    assert.equal(second.applied, 0);

    // A domain of that name made elsewhere (another UUID) stops the deploy.
    lv.domains.set('debian2', { uuid: '11111111-2222-3333-4444-555555555555', xml: '<domain/>', state: 'shut off' });
    const plan = planDeploy(vms, [host], [await probeHost(lv.run, host, vms)]);
    assert.match(plan.errors.join('\n'), /"debian2" is already defined with UUID 11111111-2222-3333-4444-555555555555/);
    assert.deepEqual(await domainStatus(lv.run, host.uri, 'debian3'), { name: 'debian3', state: 'absent' });
  } finally {
    remove(dir);
    remove(hostDir);
  }
});

test('pool host: volumes created and uploaded once, compared by download and hash', async () => {
  const { dir, vms } = await builtExample();
  const poolDir = tempDir('vmctx-pool-');
  try {
    const lv = fakeLibvirt(poolDir);
    const host: TargetHost = { uri: 'qemu+ssh://lc1/system', local: false, pool: 'cloud', vms: ['debian3'] };
    const first = await deployOnce(lv.run, host, vms);
    assert.equal(first.applied, 4);
    assert.ok(lv.calls.includes('vol-create-as --pool cloud --name debian3.qcow2 --capacity ' + statSync(path.join(dir, 'build/overlays/debian3.qcow2')).size + ' --allocation 0 --format raw'));
    assert.ok(lv.calls.some((c) => c.startsWith('vol-upload --sparse --pool cloud --vol debian3.qcow2 --file ')));
    assert.deepEqual(readFileSync(path.join(poolDir, 'context.iso')), readFileSync(path.join(dir, 'build/context.iso')));
    assert.match(lv.domains.get('debian3')!.xml, new RegExp(`<source file='${poolDir}/debian3.qcow2'/>`));
    const second = await deployOnce(lv.run, host, vms);
    assert.equal(changeCount(second.plan), 0);
    // The context changes: only the ISO is uploaded again.
    writeFileSync(path.join(dir, 'build/context.iso'), Buffer.alloc(4096, 8));
    const vms2 = await loadDeployInputs(await loadProject(nodeFileSystem, dir));
    const third = await deployOnce(lv.run, host, vms2);
    assert.deepEqual(third.plan.hosts[0].steps.filter((s) => s.kind === 'send').map((s) => s.kind === 'send' && s.volume), ['context.iso']);
  } finally {
    remove(dir);
    remove(poolDir);
  }
});

test('the core entry point: progress as it goes, a listing per host, hashes kept, a cancel stops it, a second run reads no image data', async () => {
  const { dir } = await builtExample();
  const hostDir = tempDir('vmctx-host-');
  try {
    const lv = fakeLibvirt();
    const project = await loadProject(nodeFileSystem, dir);
    const hosts = [{ uri: 'qemu:///system', directory: hostDir }];
    const progress: string[] = [];
    const first = await planProjectDeploy({ project, hosts, virsh: lv.run, options: { start: true }, onProgress: (m) => progress.push(m) });
    assert.deepEqual(progress, ['reading the build of 3 VMs', 'asking qemu:///system about 3 VMs']);
    // One listing; no domain exists, so no batch.
    assert.equal(lv.processes(), 1);
    const steps: string[] = [];
    assert.equal(await applyDeploy(first, { virsh: lv.run, onStep: (uri, s) => steps.push(`${uri} ${s.kind}`) }), 11);
    assert.equal(steps[0], 'qemu:///system send');

    // The copies are recorded: planning again hashes nothing and finds nothing to do.
    progress.length = 0;
    const before = lv.processes();
    const second = await planProjectDeploy({ project, hosts, virsh: lv.run, onProgress: (m) => progress.push(m) });
    assert.equal(changeCount(second.plan), 0);
    assert.ok(!progress.some((m) => m.startsWith('hashing')), progress.join('\n'));
    // list, then one session for the three domains' state and XML.
    assert.equal(lv.processes() - before, 2);
    assert.ok(JSON.parse(readFileSync(hashCacheFile(project), 'utf8')).files[path.join(hostDir, 'debian-base.raw')].copyOf);

    // A host's copy changed by someone else (same size): hashed and found different (kept, as
    // the VMs using it run).
    writeFileSync(path.join(hostDir, 'context.iso'), Buffer.alloc(4096, 9));
    const third = await planProjectDeploy({ project, hosts, virsh: lv.run, onProgress: (m) => progress.push(m) });
    assert.match(third.plan.warnings.join('\n'), /context\.iso differs from the build but is in use by running debian1, debian2, debian3/);
    assert.ok(progress.some((m) => /^hashing build\/context\.iso/.test(m)), progress.join('\n'));

    const ac = new AbortController();
    ac.abort();
    await assert.rejects(planProjectDeploy({ project, hosts, virsh: lv.run, signal: ac.signal }), CancelledError);
    await assert.rejects(planProjectDeploy({ project, hosts: [], virsh: lv.run }), /no host to deploy to/);
  } finally {
    remove(dir);
    remove(hostDir);
  }
});

/** examples/nocloud-cluster with its outputs: a base image, web1's and web2's overlays and seeds. */
async function builtNoCloudExample(): Promise<string> {
  const dir = tempDir('vmctx-nocloud-');
  cpSync(path.join(repoRoot, 'examples/nocloud-cluster'), dir, { recursive: true });
  mkdirSync(path.join(dir, 'build/overlays'), { recursive: true });
  mkdirSync(path.join(dir, 'build/seeds'), { recursive: true });
  writeFileSync(path.join(dir, 'images/debian-base.raw'), Buffer.alloc(1 << 20));
  for (const [i, n] of ['web1', 'web2'].entries()) {
    writeQcow2OverlayForTest(path.join(dir, `build/overlays/${n}.qcow2`), 'debian-base.raw', 1 << 20);
    writeFileSync(path.join(dir, `build/seeds/${n}.iso`), Buffer.alloc(4096, i + 1));
  }
  return dir;
}

test('NoCloud: each VM\'s seed goes where its CD-ROM says, in the plan and the dry run; a second deploy sends only the changed seed', async () => {
  const dir = await builtNoCloudExample();
  const hostDir = tempDir('vmctx-host-');
  const poolDir = tempDir('vmctx-pool-');
  try {
    const project = await loadProject(nodeFileSystem, dir);
    const vms = await loadDeployInputs(project);
    assert.deepEqual(vms.map((v) => [v.name, v.seed?.templatePath, v.seed && path.relative(dir, v.seed.local.path), v.iso]), [
      ['web1', '/opt/cloud/web1-seed.iso', 'build/seeds/web1.iso', undefined],
      ['web2', '/opt/cloud/web2-seed.iso', 'build/seeds/web2.iso', undefined],
    ]);

    // Local host: copies, the domain's CD-ROM rewritten to the copy; the dry run lists the seeds.
    const lv = fakeLibvirt();
    const local: TargetHost = { uri: 'qemu:///system', local: true, directory: hostDir, vms: ['web1'] };
    const planned = planDeploy(vms, [local], [await probeHost(lv.run, local, vms)]);
    const text = formatPlan(planned, (p) => path.relative(dir, p));
    assert.match(text, new RegExp(`copy    seed    build/seeds/web1\\.iso -> ${hostDir}/web1-seed\\.iso \\(4 KiB, absent\\)`), text);
    assert.doesNotMatch(text, /web2/, text);
    const first = await deployOnce(lv.run, local, vms, true);
    assert.equal(first.applied, 5); // base, seed, overlay, define, start
    assert.deepEqual(readFileSync(path.join(hostDir, 'web1-seed.iso')), readFileSync(path.join(dir, 'build/seeds/web1.iso')));
    assert.match(lv.domains.get('web1')!.xml, new RegExp(`<source file='${hostDir}/web1-seed.iso'/>`));
    assert.equal(changeCount((await deployOnce(lv.run, local, vms)).plan), 0);

    // Pool host: uploaded as volumes, compared by download and hash the next time.
    const pool: TargetHost = { uri: 'qemu+ssh://lc1/system', local: false, pool: 'cloud', vms: ['web1', 'web2'] };
    const lp = fakeLibvirt(poolDir);
    await deployOnce(lp.run, pool, vms);
    assert.ok(lp.calls.some((c) => c.startsWith('vol-upload --sparse --pool cloud --vol web2-seed.iso --file ')), lp.calls.join('\n'));
    assert.match(lp.domains.get('web2')!.xml, new RegExp(`<source file='${poolDir}/web2-seed.iso'/>`));
    assert.equal(changeCount((await deployOnce(lp.run, pool, vms)).plan), 0);
    // web2's seed is rebuilt with other bytes (same size): only it is sent again.
    writeFileSync(path.join(dir, 'build/seeds/web2.iso'), Buffer.alloc(4096, 9));
    const vms2 = await loadDeployInputs(await loadProject(nodeFileSystem, dir));
    const again = await deployOnce(lp.run, pool, vms2);
    assert.deepEqual(again.plan.hosts[0].steps.filter((s) => s.kind === 'send').map((s) => s.kind === 'send' && `${s.role} ${s.volume} ${s.reason}`), ['seed web2-seed.iso changed']);
    assert.deepEqual(readFileSync(path.join(poolDir, 'web2-seed.iso')), readFileSync(path.join(dir, 'build/seeds/web2.iso')));

    // A seed the build has not written: one line naming it, before any host is asked.
    rmSync(path.join(dir, 'build/seeds/web1.iso'));
    await assert.rejects(loadDeployInputs(await loadProject(nodeFileSystem, dir)), /the cloud-init seed of web1 .*web1\.iso does not exist/);
  } finally {
    remove(dir);
    remove(hostDir);
    remove(poolDir);
  }
});

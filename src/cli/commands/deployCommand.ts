import type { CliCommand } from './cliCommand';
import { parseCommandArgs } from '../args';
import { EXIT_FAILED, EXIT_OK } from '../cliIo';
import { changeCount } from '../../core/deploy/deployPlan';
import { describeStep, formatPlan } from '../../core/deploy/formatDeployPlan';
import { applyDeploy, hostsForUris, planProjectDeploy } from '../../core/deploy/deployProject';
import { displayPath } from '../../core/common/paths';
import { execaVirsh, type VirshRunner } from '../../core/io/virsh';
import { defaultSettings } from '../../core/settings';
import { openProject } from '../openProject';
import { checkFirst } from './buildCommand';
import { listenForStopSignals } from '../stopSignals';

export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'put the built VMs on libvirt hosts: files, virsh define, optionally start',
  help: `Usage: vmctx deploy [DIR] [--connect URI]... [--start] [--dry-run] [--replace-overlays] [--virsh PATH] [--allow-errors]

Checks the project first (as \`vmctx check\`) and refuses one with errors, even for --dry-run. Deploys the built project in DIR (default: the current folder; run \`vmctx build\` first) to
the libvirt hosts of vmcontext.json ("hosts"), or to the hosts given with --connect. For each
VM: its overlay, the base image and context.iso (NoCloud: the VM's seed build/seeds/VM.iso,
for the CD-ROM the template names VM-seed.iso) go where the template's paths say (a copy on
this machine for a local URI such as qemu:///system, \`virsh vol-upload\` into the host's
"pool" otherwise), then \`virsh define --validate\`. VMs named in a host's "vms" go there,
the others round-robin. Unchanged files are not sent again; a running VM is never redefined
nor its overlay replaced; a domain of the same name with another UUID is an error.

Options:
  --connect URI         a libvirt URI to deploy to (repeatable); its settings come from the
                        manifest's host of the same URI, if any
  --start               start each VM that is not running
  --dry-run             print the plan and change nothing
  --replace-overlays    replace overlays that differ from the build (their VM's disk!);
                        never those of running VMs
  --virsh PATH          the virsh program (default: virsh)
  --allow-errors        deploy even though the check finds errors (says so)
  -h, --help            show this help

Exit status: 0 when deployed (or the plan is printed), 1 when the project has errors or the
deploy fails, 2 on bad usage, 128+N when stopped by signal N (SIGINT, SIGTERM, SIGHUP): the
steps done stay done, a copy under way is removed. Copies left by a killed deploy are removed
by the next one.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      connect: { type: 'string', multiple: true },
      start: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'replace-overlays': { type: 'boolean' },
      virsh: { type: 'string' },
      'allow-errors': { type: 'boolean' },
    });
    const { dir, project, read } = await openProject('deploy', positionals, io);
    if (!(await checkFirst(project, read, 'deploy', !!values['allow-errors'], io))) return EXIT_FAILED;
    const manifestHosts = project.manifest.hosts ?? [];
    const virsh: VirshRunner = execaVirsh(values.virsh ?? defaultSettings.tools.virsh);
    const stop = listenForStopSignals();
    try {
      const prepared = await planProjectDeploy({
        project,
        hosts: values.connect?.length ? hostsForUris(manifestHosts, values.connect) : manifestHosts,
        virsh,
        options: { start: values.start, replaceOverlays: values['replace-overlays'] },
        signal: stop.signal,
        onProgress: (m) => io.stderr(`${m}\n`),
      });
      const plan = prepared.plan;
      // Build outputs are shown relative to the project; host paths as they are.
      const show = (p: string) => displayPath(dir, p);
      io.stdout(formatPlan(plan, show));
      if (plan.errors.length) return EXIT_FAILED;
      if (values['dry-run'] || changeCount(plan) === 0) return EXIT_OK;
      const done = await applyDeploy(prepared, {
        virsh,
        signal: stop.signal,
        onStep: (uri, s) => io.stdout(`${uri}: ${describeStep(s, show)}\n`),
        onProgress: (m) => io.stderr(`${m}\n`),
      });
      io.stdout(`deployed: ${done} change${done === 1 ? '' : 's'}\n`);
      return EXIT_OK;
    } catch (e) {
      // Whatever failed after a stop signal (a virsh or cp the terminal's Ctrl-C also reached) is that stop.
      const by = stop.stoppedBy();
      if (!by) throw e;
      io.stderr(`vmctx deploy: stopped by ${by}; the steps done stay done, nothing half-copied is left\n`);
      return stop.exitCode(by);
    } finally {
      stop.dispose();
    }
  },
};

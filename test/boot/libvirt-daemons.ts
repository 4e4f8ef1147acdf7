// virtlogd and libvirtd for the libvirt boot, on a machine without systemd: started as
// child processes of the test (foreground, so their PIDs are ours) and stopped by PID.
// A libvirtd that is already running is used as it is and left alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { run } from './exec';

export interface LibvirtDaemons {
  /** The daemons this test started, to stop. */
  started: ChildProcess[];
  stop(): Promise<void>;
}

function alive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * On a CPU without vmx/svm, /dev/kvm exists but KVM does not work, and libvirt re-probes
 * QEMU's capabilities on every call (over a minute for one `virsh define`). So libvirtd runs
 * in a mount namespace of its own where /dev/kvm is a root-only empty file (KVM unusable:
 * it probes once, TCG only, and caches that), with a qemu.conf copy that turns off the
 * per-VM /dev namespace (which cannot carry that bind mount). Nothing outside changes.
 */
const LIBVIRTD_WITHOUT_KVM_SCRIPT = [
  'set -e',
  'if [ -e /dev/kvm ]; then : > /run/vmctx-no-kvm; chmod 600 /run/vmctx-no-kvm; mount --bind /run/vmctx-no-kvm /dev/kvm; fi',
  'cp /etc/libvirt/qemu.conf /run/vmctx-qemu.conf',
  "echo 'namespaces = [ ]' >> /run/vmctx-qemu.conf",
  'mount --bind /run/vmctx-qemu.conf /etc/libvirt/qemu.conf',
  'exec libvirtd',
].join('\n');
const LIBVIRTD_WITHOUT_KVM = ['unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', LIBVIRTD_WITHOUT_KVM_SCRIPT]] as const;

function startDaemon(command: string, log: string[], args: readonly string[] = []): ChildProcess {
  const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => log.push(`${command}: ${b.toString().trimEnd()}`);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => log.push(`${command}: ${e.message}`));
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Makes qemu:///system answer; returns what must be stopped afterwards. */
export async function ensureLibvirt(log: string[] = []): Promise<LibvirtDaemons> {
  const started: ChildProcess[] = [];
  if (!alive('/run/virtlogd.pid')) started.push(startDaemon('virtlogd', log));
  if (!alive('/run/libvirtd.pid')) started.push(startDaemon(LIBVIRTD_WITHOUT_KVM[0], log, LIBVIRTD_WITHOUT_KVM[1]));
  const stop = async () => {
    // libvirtd first: it holds a connection to virtlogd.
    for (const c of [...started].reverse()) await stopChild(c);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      // The first connection after a cold start takes several seconds.
      await run('virsh', ['-c', 'qemu:///system', 'uri'], { timeout: 30_000 });
      return { started, stop };
    } catch (e) {
      const dead = started.find((c) => c.exitCode !== null);
      if (dead || Date.now() > deadline) {
        await stop();
        throw new Error(`libvirtd did not answer on qemu:///system: ${e instanceof Error ? e.message : String(e)}\n${log.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

// An ssh server on 127.0.0.1 for the remote deploy layer: host and client keys generated in a
// temporary folder, sshd in the foreground as our child (stopped by PID), and an ssh wrapper
// that libvirt runs (the URI's `command=`) with a generated config: the host key is known in
// advance (StrictHostKeyChecking yes), nothing is read from or written to ~/.ssh.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { run } from '../boot/exec';

export interface SshHost {
  port: number;
  /** The ssh program libvirt should run (a wrapper that passes our config). */
  sshCommand: string;
  /** `qemu+ssh://root@127.0.0.1:PORT/system?…` */
  uri: string;
  stop(): Promise<void>;
}

/** A port nobody listens on now (the kernel picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startSshHost(dir: string, log: string[]): Promise<SshHost> {
  const sshd = '/usr/sbin/sshd';
  if (!existsSync(sshd)) throw new Error('sshd is missing: install the Debian package openssh-server');
  mkdirSync(dir, { recursive: true });
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vmctx-test-host', '-f', hostKey]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vmctx-test-client', '-f', clientKey]);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${clientKey}.pub`));
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The temporary folder is not root's home: its modes are not what StrictModes wants.
      'StrictModes no',
      'AllowTcpForwarding no',
      'X11Forwarding no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  // sshd's privilege separation folder (systemd makes it on a normal machine).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  await run(sshd, ['-t', '-f', config]);
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  const clientConfig = path.join(dir, 'ssh_config');
  writeFileSync(
    clientConfig,
    [
      'Host 127.0.0.1',
      `  IdentityFile ${clientKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ConnectTimeout 10',
      '',
    ].join('\n'),
  );
  const sshCommand = path.join(dir, 'ssh');
  writeFileSync(sshCommand, `#!/bin/sh\nexec ssh -F '${clientConfig}' "$@"\n`);
  chmodSync(sshCommand, 0o755);

  const child: ChildProcess = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => log.push(`sshd: ${b.toString().trimEnd()}`);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  // Up when ssh gets through with our key and config.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await run(sshCommand, ['-p', String(port), 'root@127.0.0.1', 'true'], { timeout: 15_000 });
      break;
    } catch (e) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`sshd on 127.0.0.1:${port} did not let us in: ${e instanceof Error ? e.message : String(e)}\n${log.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!/^[\w/.-]+$/.test(sshCommand)) throw new Error(`${sshCommand}: a path a URI carries as it is was expected`);
  const uri = `qemu+ssh://root@127.0.0.1:${port}/system?command=${sshCommand}`;
  return { port, sshCommand, uri, stop };
}

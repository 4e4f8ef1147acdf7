// cloud-init user-data: the check of a ~5 KB #cloud-config as the editor runs it on every
// change (warm: the schema is compiled by the first call, reported on its own), and completion.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { userDataDiagnostics } from '../src/core/cloudinit/userData';
import { networkConfigDiagnostics } from '../src/core/cloudinit/networkConfig';
import { cloudInitCompletions } from '../src/core/cloudinit/cloudInitAssist';
import { round, time } from './measure';

const examples = path.join(__dirname, '../test/fixtures/cloud-init/examples');

/** About 5 KB of realistic user-data: the example project's, plus users and files from the docs' examples. */
export function userData(): string {
  const base = readFileSync(path.join(__dirname, '../examples/nocloud-cluster/cloud-init/user-data'), 'utf8');
  const users = Array.from({ length: 22 }, (_, i) => `  - name: user${i}\n    gecos: User ${i}\n    groups: [users, adm]\n    shell: /bin/bash\n    lock_passwd: true\n    ssh_authorized_keys:\n      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBVXL4tPDpV4mXqCHRoj6tY9Zc1Rf1nEAwJXrFdPt8K${i} user${i}@example\n`).join('');
  const text = `${base}${readFileSync(path.join(examples, 'cc_ntp-example1.yaml'), 'utf8').replace('#cloud-config\n', '')}`.replace('users:\n', `users:\n${users}`);
  return text;
}

export async function run() {
  const text = userData();
  const t0 = performance.now();
  const first = userDataDiagnostics(text);
  const cold = performance.now() - t0;
  if (first.some((d) => d.severity === 'error')) throw new Error(`the bench input has errors: ${first.map((d) => d.message).join('; ')}`);
  const broken = text.replace('packages:', 'packges:').replace('shell: /bin/bash', 'shell: 12');
  const network = 'version: 2\nethernets:\n  lan:\n    match:\n      macaddress: "52:54:c0:a8:7a:15"\n    addresses: [192.168.122.21/24]\n    routes:\n      - to: default\n        via: 192.168.122.1\n';
  // CPU time per check: on a shared machine the wall-clock p50 includes waiting for a core.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 200; i++) userDataDiagnostics(text);
  const cpu = process.cpuUsage(cpu0);
  return {
    user_data_first_check_ms: round(cold),
    user_data_5kb_cpu_ms_per_check: round((cpu.user + cpu.system) / 1000 / 200),
    user_data_5kb_warm: { bytes: text.length, ...(await time(200, () => userDataDiagnostics(text))) },
    user_data_5kb_with_errors_warm: { bytes: broken.length, ...(await time(200, () => userDataDiagnostics(broken))) },
    network_config_warm: { bytes: network.length, ...(await time(200, () => networkConfigDiagnostics(network))) },
    completion_warm: await time(200, () => cloudInitCompletions('user-data', text, text.indexOf('lock_passwd'))),
  };
}

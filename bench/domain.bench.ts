// Domain templates: the full check of one ~3 KB template as the editor runs it (warm), and
// `vmctx check` as a whole process over a generated project of 1000 templates.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { nodeFileSystem } from '../src/core/io/nodeFileSystem';
import { loadProject } from '../src/core/project/load';
import { validateDocument } from '../src/core/validation/checkProject';
import { defaultSettings } from '../src/core/settings';
import { macFromIp } from '../src/core/network/ipv4';
import { round, time } from './measure';
import { createDomainSchemas } from '../src/core/io/schemaFiles';

const example = readFileSync(path.join(__dirname, '../examples/snooze-cluster/templates/debian1.xml'), 'utf8');

/** The example template as VM number i (name, UUID, overlay, MAC), padded to about 3 KB. */
export function template(i: number): string {
  const name = `vm${i}`;
  const ip = (((192 << 24) | (168 << 16)) >>> 0) + 256 + i; // 192.168.1.0/22 and up
  const uuid = `7092c347-9628-4238-87dc-${i.toString(16).padStart(12, '0')}`;
  const extra = `    <channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>\n    <input type='tablet' bus='usb'/>\n    <rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n    </rng>\n`;
  return example
    .replace('<name>debian1</name>', `<name>${name}</name>`)
    .replace(/<uuid>.*<\/uuid>/, `<uuid>${uuid}</uuid>`)
    .replace('/opt/cloud/debian1.qcow2', `/opt/cloud/${name}.qcow2`)
    .replace("<mac address='00:16:c0:a8:7a:11'/>", `<mac address='${macFromIp(ip)}'/>`)
    .replace('    <memballoon', `${extra.repeat(6)}    <memballoon`);
}

export function writeProject(count: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmctx-bench-domain-'));
  mkdirSync(path.join(dir, 'context/common'), { recursive: true });
  mkdirSync(path.join(dir, 'templates'));
  writeFileSync(path.join(dir, 'context/post-install'), '#!/bin/sh\n');
  writeFileSync(path.join(dir, 'context/common/network'), 'NETWORK=192.168.0.0\nNETMASK=255.255.240.0\nGATEWAY=192.168.0.1\n');
  writeFileSync(path.join(dir, 'vmcontext.json'), JSON.stringify({ remote: { directory: '/opt/cloud', bridge: 'virbr0' } }));
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, `templates/vm${i}.xml`), template(i));
  return dir;
}

export async function run() {
  // No compiled-schema cache: the first call includes the compile, as its name says (the cache's
  // load is in the relaxng bench).
  const schemas = createDomainSchemas(path.join(__dirname, '../schemas/domain-template.rng'), null);
  const dir = writeProject(1000);
  try {
    const project = await loadProject(nodeFileSystem, dir);
    const file = path.join(dir, 'templates/vm7.xml');
    const text = template(7);
    const first = performance.now();
    const cold = validateDocument(project, file, text, defaultSettings, schemas);
    const coldMs = performance.now() - first;
    const errors = cold.filter((d) => d.severity === 'error').length;
    const warm = await time(300, () => validateDocument(project, file, text, defaultSettings, schemas), 20);

    const cli = path.join(__dirname, '../dist/cli.js');
    const runs: number[] = [];
    let exit: number | null = null;
    let lines = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, 'check', dir], { encoding: 'utf8' });
      runs.push(performance.now() - t0);
      exit = r.status;
      lines = r.stdout.split('\n').filter(Boolean).length;
    }
    runs.sort((a, b) => a - b);
    return {
      template_3kb_full_check: { bytes: text.length, first_call_ms_including_schema_compile: round(coldMs), errors, ...warm },
      check_1000_templates_process: { templates: 1000, runs: runs.map(round), median_ms: round(runs[1]), exit, diagnostics: lines },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

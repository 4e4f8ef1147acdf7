// A minimal context project for the domain tests: context/post-install, common/network
// (192.168.122.0/24, gateway .1), a manifest with the Snooze remote layout, and templates.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import type { ContextProject } from '../../../src/core/project/project';
import { parseIPv4 } from '../../../src/core/network/ipv4';
import { defaultSettings, type Settings } from '../../../src/core/settings';
import { repoRoot, tempDir, writeTree } from '../helpers/tempProject';

export const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/domain', name), 'utf8');

export const NETWORK_FILE = 'NETWORK=192.168.122.0\nNETMASK=255.255.255.0\nBROADCAST=192.168.122.255\nGATEWAY=192.168.122.1\n';

export function writeProject(templates: Record<string, string>, manifest: object = {}): string {
  const dir = tempDir('vmctx-domain-');
  const files: Record<string, string> = {
    'context/post-install': '#!/bin/sh\n',
    'context/common/network': NETWORK_FILE,
    'vmcontext.json': JSON.stringify({ remote: { directory: '/opt/cloud', bridge: 'virbr0' }, ...manifest }),
  };
  for (const [name, text] of Object.entries(templates)) files[`templates/${name}`] = text;
  return writeTree(dir, files);
}

/** Loads the project; fills `network` as the network parser does, if it did not. */
export async function openProject(dir: string): Promise<ContextProject> {
  const project = await loadProject(nodeFileSystem, dir);
  project.network ??= {
    network: parseIPv4('192.168.122.0'),
    netmask: parseIPv4('255.255.255.0'),
    broadcast: parseIPv4('192.168.122.255'),
    gateway: parseIPv4('192.168.122.1'),
    nameservers: [],
    search: [],
  };
  return project;
}

/** Settings that use our bundled schema (no libvirt schemas in this folder). */
export const bundledSettings: Settings = { ...defaultSettings, libvirt: { schemaDirectory: '/nonexistent-libvirt-schemas' } };
export const libvirtSettings: Settings = { ...defaultSettings, libvirt: { schemaDirectory: '/usr/share/libvirt/schemas' } };

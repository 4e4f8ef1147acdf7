// package.json contributions agree with the code: ids, categories, settings, schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './helpers/tempProject';
import { defaultSettings, ISO_BACKENDS, OVERLAY_BACKENDS } from '../../src/core/settings';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

test('every command is vmContext.<area>.<verb> with the VM Context category', () => {
  const commands: Array<{ command: string; category?: string; title: string }> = pkg.contributes.commands;
  assert.ok(commands.length > 0);
  for (const c of commands) {
    assert.match(c.command, /^vmContext\.[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/, c.command);
    assert.equal(c.category, 'VM Context', c.command);
  }
  const ids = new Set(commands.map((c) => c.command));
  assert.equal(ids.size, commands.length, 'no duplicate command ids');
  // Every command id the extension registers is contributed.
  const src = readFileSync(path.join(repoRoot, 'src/extension/constants.ts'), 'utf8');
  for (const [, id] of src.matchAll(/'(vmContext\.[A-Za-z]+\.[A-Za-z]+)'/g)) assert.ok(ids.has(id), `${id} is not in package.json`);
});

test('settings are under vmContext, tool paths are machine-overridable and restricted when untrusted', () => {
  const props: Record<string, { scope?: string }> = pkg.contributes.configuration.properties;
  for (const key of Object.keys(props)) assert.match(key, /^vmContext\./);
  const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of Object.keys(props).filter((k) => k.startsWith('vmContext.tools.'))) {
    assert.equal(props[key].scope, 'machine-overridable', key);
    assert.ok(restricted.includes(key), `${key} must be restricted in untrusted workspaces`);
  }
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});

test('the manifest JSON schema is contributed and is valid JSON', () => {
  const v = pkg.contributes.jsonValidation.find((j: { fileMatch: string }) => j.fileMatch === 'vmcontext.json');
  const file = path.join(repoRoot, v.url);
  assert.ok(existsSync(file));
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'addressing', 'baseImage', 'contextDir', 'flavor', 'hosts', 'isoLabel', 'network', 'output', 'remote', 'templates']);
});

test('NoCloud seed files open as YAML (VS Code\'s built-in grammar) by name, in cloud-init/ and cloud-init/<vm>/', () => {
  const yaml = pkg.contributes.languages.find((l: { id: string }) => l.id === 'yaml');
  assert.deepEqual(yaml.filenamePatterns, ['**/cloud-init/**/user-data', '**/cloud-init/**/meta-data', '**/cloud-init/**/network-config']);
  // No grammar of our own: the built-in yaml language brings it.
  assert.ok(!pkg.contributes.grammars.some((g: { language: string }) => g.language === 'yaml'));
});

test('the extension bundles to CommonJS for VS Code 1.99 and targets engines ^1.99.0', () => {
  assert.equal(pkg.engines.vscode, '^1.99.0');
  assert.equal(pkg.main, './dist/extension.js');
  assert.notEqual(pkg.type, 'module');
});

test('settings defaults and backend lists are the core’s: one place for each', () => {
  const props = pkg.contributes.configuration.properties ?? Object.assign({}, ...pkg.contributes.configuration.map((c: { properties: object }) => c.properties));
  assert.deepEqual(props['vmContext.build.isoBackend'].enum, [...ISO_BACKENDS]);
  assert.deepEqual(props['vmContext.build.overlayBackend'].enum, [...OVERLAY_BACKENDS]);
  assert.equal(props['vmContext.defaults.bridge'].default, defaultSettings.defaults.bridge);
  assert.equal(props['vmContext.defaults.isoLabel'].default, defaultSettings.defaults.isoLabel);
  for (const [key, tool] of Object.entries(defaultSettings.tools)) assert.equal(props[`vmContext.tools.${key}`].default, tool, key);
});

test('every walkthrough step completes on an event the extension produces', () => {
  const steps: Array<{ id: string; completionEvents?: string[] }> = pkg.contributes.walkthroughs[0].steps;
  const src = readFileSync(path.join(repoRoot, 'src/extension/constants.ts'), 'utf8');
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  for (const step of steps) {
    assert.ok(step.completionEvents?.length, `step ${step.id} has no completion event: it can never tick`);
    for (const e of step.completionEvents!) {
      const [kind, arg] = e.split(/:(.*)/s);
      if (kind === 'onCommand') assert.ok(commands.has(arg), `${step.id}: ${e} is not a contributed command`);
      else if (kind === 'onContext') assert.ok(src.includes(`'${arg}'`), `${step.id}: the extension never sets the context key ${arg}`);
      else assert.fail(`${step.id}: ${e} — onView completes when the view opens, not when the step's action is done`);
    }
  }
  const network = steps.find((s) => s.id === 'editNetwork')!;
  assert.deepEqual(network.completionEvents, ['onContext:vmContext.networkEdited']);
});

test('the steps the extension ticks itself (welcome.markStepComplete) are the walkthrough\'s', () => {
  const src = readFileSync(path.join(repoRoot, 'src/extension/project/walkthroughSteps.ts'), 'utf8');
  assert.equal(/WALKTHROUGH_ID = '([^']+)'/.exec(src)?.[1], pkg.contributes.walkthroughs[0].id);
  const ticked = /type WalkthroughStep = ([^;]+);/.exec(src)![1].split('|').map((s) => s.trim().replace(/'/g, ''));
  assert.deepEqual(ticked, pkg.contributes.walkthroughs[0].steps.map((s: { id: string }) => s.id));
});

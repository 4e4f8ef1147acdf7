// The editor contributions agree with the schemas: language ids, grammar files, and the
// keys and keywords the grammars highlight (the schemas are the one source of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { networkSchema, routesSchema } from '../../../src/core/network/schemas';
import { repoRoot } from '../helpers/tempProject';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const constants = readFileSync(path.join(repoRoot, 'src/extension/constants.ts'), 'utf8');
const grammar = (id: string) => {
  const g = pkg.contributes.grammars.find((x: { language: string }) => x.language === id);
  return readFileSync(path.join(repoRoot, g.path), 'utf8');
};

test('both languages are contributed by path, with a grammar and a configuration, and match constants.ts', () => {
  for (const [id, file] of [['vmcontext-network', 'network'], ['vmcontext-routes', 'routes']]) {
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === id);
    assert.ok(lang, id);
    assert.deepEqual(lang.filenamePatterns, [`**/context/common/${file}`]);
    assert.ok(existsSync(path.join(repoRoot, lang.configuration)), lang.configuration);
    assert.ok(constants.includes(`'${id}'`), `${id} is not in constants.ts`);
    JSON.parse(grammar(id));
  }
});

test('the grammars highlight every key and keyword of the schemas', () => {
  const network = grammar('vmcontext-network');
  for (const key of Object.keys(networkSchema.keys)) assert.ok(network.includes(key), key);
  const routes = grammar('vmcontext-routes');
  const words = [
    ...Object.keys(routesSchema.phases),
    ...Object.keys(routesSchema.commands),
    ...Object.values(routesSchema.commands).flatMap((c) => [...Object.keys(c.actions), ...Object.keys(c.destination.keywords), ...Object.keys(c.options)]),
  ];
  for (const w of words) assert.ok(routes.includes(w), w);
});

test('the network schema names its required keys among its keys, each with documentation', () => {
  for (const k of networkSchema.required) assert.ok(networkSchema.keys[k], k);
  for (const [k, s] of Object.entries(networkSchema.keys)) assert.ok(s.markdownDescription && s.description && s.examples.length, k);
});

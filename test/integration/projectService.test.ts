// The project service when reloads overlap (files change while one runs): the project that stays,
// and the last one the listeners (diagnostics, explorer) hear of, is the newest load's.
import * as assert from 'node:assert/strict';
import type { ContextProject } from '../../src/core/project/project';
import { projectRoot, services } from './helpers';

/** The service's loader of a root (private: the test holds its first load back). */
interface LoaderHandle {
  load(root: string): Promise<ContextProject>;
}

describe('project service', () => {
  it('an older reload that ends after a newer one neither replaces nor outlives it', async () => {
    const { projects } = await services();
    const root = projectRoot();
    await projects.get(root);
    const loader = (projects as unknown as { loaders: Map<string, LoaderHandle> }).loaders.get(root);
    assert.ok(loader, 'the service has no loader for the example project');
    const load = loader.load;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    // The first load ends only once the second has: the order a slow read of an old file gives.
    loader.load = async function (this: LoaderHandle, r: string) {
      const first = ++calls === 1;
      const project = await load.call(this, r);
      if (first) await held;
      return project;
    };
    const heard: (ContextProject | undefined)[] = [];
    const listening = projects.onDidChange((p) => heard.push(p));
    try {
      const older = projects.reload(root);
      const newer = await projects.reload(root);
      release();
      const olderGave = await older;
      const current = await projects.get(root);
      assert.ok(calls >= 2, `${calls} loads`);
      assert.equal(current, newer, 'the older load replaced the newer project');
      assert.equal(olderGave, newer, "the older reload's caller got the project from before the change");
      assert.equal(heard.at(-1), newer, 'the listeners heard the older project last');
    } finally {
      listening.dispose();
      release();
      delete (loader as Partial<LoaderHandle>).load; // back to the class's own method
    }
  });
});

// What the explorer can tell of each NoCloud VM's seed (build/seeds/<vm>.iso) before the build
// writes seeds: whether the file is there and its size. Whether it is up to date needs the
// seed build's own record, which does not exist yet.
import type { FileSystem } from '../common/fileSystem';
import { seedPath, type ContextProject } from '../project/project';
import { vmNameOf } from '../validation/cloudinit/cloudInitValidator';

export interface SeedStatus {
  vm: string;
  /** Absolute path of the seed. */
  output: string;
  /** Size in bytes when the file exists; undefined when it is missing (or not a file). */
  size?: number;
}

/** One entry per VM of a NoCloud project (none for a Snooze project). */
export async function readSeedStatus(fs: FileSystem, project: ContextProject): Promise<SeedStatus[]> {
  if (project.flavor !== 'nocloud') return [];
  return Promise.all(
    project.templates.map(async (t) => {
      const vm = vmNameOf(t);
      const output = seedPath(project, vm);
      const st = await fs.stat(output).catch(() => undefined);
      return st?.type === 'file' ? { vm, output, size: st.size } : { vm, output };
    }),
  );
}

// Overlay and base image files on disk: probing, inspecting, writing atomically.
import { stat } from 'node:fs/promises';
import { UserError } from '../common/errors';
import { createOverlay, overlayState, probeImage, qcow2HeaderProblem, type OverlaySpec, type ProbedImage } from '../image/qcow2/index';
import type { ExistingOverlay } from '../build/overlayDecision';
import { writeAtomically } from './atomicFile';
import { nodeFileSystem, readBytes } from './nodeFileSystem';
import { specialFileKind } from '../image/iso9660/contextEntries';

const HEAD = 64 * 1024;


/** The base image's format and virtual size; a clear error when it is missing or unusable. */
export async function probeBaseImage(path: string): Promise<ProbedImage & { format: 'raw' | 'qcow2' }> {
  let size: number;
  try {
    const st = await stat(path);
    // A pipe or socket is never opened: the read would wait for a writer for good.
    if (st.isFIFO() || st.isSocket()) throw new UserError(`the base image ${path} is ${specialFileKind(st)}, not an image file: name the image file (or a block device)`);
    size = st.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`the base image ${path} does not exist: build or copy it first`);
  }
  const p = probeImage(await nodeFileSystem.readHead(path, HEAD), size);
  if (p.format === 'other') throw new UserError(`the base image ${path} is ${p.name}; convert it to raw or qcow2 (qemu-img convert)`);
  if (p.size <= 0) throw new UserError(`the base image ${path} is empty`);
  return p;
}

export async function inspectOverlay(path: string): Promise<ExistingOverlay> {
  let head: Uint8Array;
  try {
    const st = await stat(path);
    if (st.isFIFO() || st.isSocket()) return { kind: 'not-qcow2', fileSize: 0 }; // never opened (it would block); never overwritten without --force
    head = await nodeFileSystem.readHead(path, HEAD);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  const fileSize = (await stat(path)).size;
  const p = probeImage(head, fileSize);
  if (p.format !== 'qcow2') return { kind: 'not-qcow2', fileSize };
  const h = p.header;
  // What cannot be proven empty is never called empty: a damaged header keeps the file.
  const damage = qcow2HeaderProblem(h, fileSize);
  if (damage) return { kind: 'damaged', reason: damage, fileSize };
  const l1 = h.l1Size ? await readBytes(path, h.l1Size * 8, h.l1TableOffset) : new Uint8Array(0);
  if (l1.length < h.l1Size * 8) return { kind: 'damaged', reason: 'its L1 table could not be read whole', fileSize };
  const s = overlayState(h, l1);
  return { kind: 'qcow2', empty: s.empty, allocatedL1: s.allocatedL1, snapshots: h.nbSnapshots, backingName: h.backingFile, backingFormat: h.backingFormat, size: h.size, fileSize };
}

export async function writeOverlayFile(path: string, spec: OverlaySpec): Promise<void> {
  const bytes = createOverlay(spec);
  await writeAtomically(path, (f) => f.write(bytes));
}

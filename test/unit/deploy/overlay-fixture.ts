// A fresh overlay from the embedded qcow2 writer, for deploy tests.
import { writeFileSync } from 'node:fs';
import { createOverlay } from '../../../src/core/image/qcow2/index';

export function writeQcow2OverlayForTest(file: string, backing: string, virtualSize: number): void {
  writeFileSync(file, createOverlay({ size: virtualSize, backingName: backing, backingFormat: 'raw' }));
}

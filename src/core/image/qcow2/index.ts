// The embedded qcow2 overlay writer and the reader the build needs (pure: bytes in, bytes out).
export { createOverlay, checkOverlaySpec, overlayVirtualSize, l1SizeFor, CLUSTER_SIZE, type OverlaySpec } from './overlayWriter';
export { parseQcow2Header, isQcow2, qcow2HeaderProblem, MAX_L1_BYTES, type Qcow2Header } from './header';
export { probeImage, overlayState, overlayHoldsData, allocatedL1Entries, type ProbedImage, type OverlayState } from './imageProbe';

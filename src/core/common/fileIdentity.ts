// When a file counts as unchanged since a record of it was made: the one place of that rule,
// with its two uses. Size, mtime and inode alone let a stale result through when a file is
// rewritten with its size kept and its mtime set back (`touch -r`, `rsync -t --inplace`,
// `tar x` onto a reused inode number, a tool that restores times): the change time (ctime) is
// the one time stamp no user can set back.

/** What a record keeps of a file (from its stat). Records written before this rule have no `ctimeMs`. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
  ctimeMs?: number;
}

/** The stat fields a record keeps (nothing else is copied into it). */
export const identityOf = (st: FileIdentity): FileIdentity => ({ size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, ctimeMs: st.ctimeMs });

const sizeTimeInode = (r: FileIdentity, now: FileIdentity): boolean => r.size === now.size && r.mtimeMs === now.mtimeMs && r.ino === now.ino;

/**
 * Context files and the other small inputs of a build: unchanged while size, mtime, inode and
 * change time are the recorded ones. A record without a change time (written before it was
 * kept) counts as changed: the file is read once more (hashed, or compared with the image), and
 * the image is rebuilt only if its bytes differ.
 */
export const inputUnchanged = (r: FileIdentity, now: FileIdentity): boolean => sizeTimeInode(r, now) && r.ctimeMs !== undefined && r.ctimeMs === now.ctimeMs;

/**
 * Images (base images, overlays, ISOs and seeds that deploy hashes or copies): a change time
 * alone does not make them changed, since libvirt chowns an image each time a VM starts and a
 * base image may be 2 TB to hash again. So: 'changed' when size, mtime or inode differ;
 * 'unchanged' when all four are the recorded ones; 'check' when only the change time moved (or
 * was not recorded): the caller compares a cheap sample of the bytes before trusting the hash.
 */
export function imageIdentityVerdict(r: FileIdentity, now: FileIdentity): 'unchanged' | 'check' | 'changed' {
  if (!sizeTimeInode(r, now)) return 'changed';
  return r.ctimeMs !== undefined && r.ctimeMs === now.ctimeMs ? 'unchanged' : 'check';
}

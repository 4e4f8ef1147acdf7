// The external backends as plain command descriptions: `{ command, args, cwd, parse }`.
import { dirname } from 'node:path';
import { volumeDateText } from '../image/iso9660/isoBytes';
import { parseGenisoimageStderr, parseQemuImgStderr, parseXorrisoStderr } from './stderrParsers';
import type { ToolMessage, ToolName } from './tools';

export interface ExternalCommand {
  tool: ToolName;
  /** The executable: the setting's value (a name on PATH or a path). */
  command: string;
  args: string[];
  cwd: string;
  parse(stderr: string): ToolMessage[];
}

export type IsoTool = 'genisoimage' | 'xorriso' | 'mkisofs';

/**
 * `genisoimage -RJ` as the seed did, plus the label and long Joliet names. xorriso also gets
 * the build's image date (SOURCE_DATE_EPOCH, else the newest input) for the volume dates,
 * the volume UUID and every file's dates, and owner 0, as the embedded writer: the same inputs
 * then give the same bytes whoever builds and whenever the files were touched.
 */
export function isoCommand(tool: IsoTool, command: string, contextDir: string, label: string, output: string, date?: number): ExternalCommand {
  const common = ['-quiet', '-R', '-J', '-joliet-long', '-V', label, '-o', output, contextDir];
  if (tool === 'xorriso') {
    const fixed = date === undefined ? [] : [`--modification-date=${volumeDateText(date)}`, '--set_all_file_dates', volumeDateText(date), '-uid', '0', '-gid', '0'];
    return { tool, command, args: ['-as', 'mkisofs', ...fixed, ...common], cwd: dirname(output), parse: parseXorrisoStderr };
  }
  return { tool, command, args: common, cwd: dirname(output), parse: parseGenisoimageStderr };
}

/** `qemu-img create` with the backing format given (QEMU ≥ 6.1 requires -F) and `-u`, so the
 * base need not be reachable under the backing name here; the size is the base's. */
export function qemuImgCommand(command: string, output: string, backingName: string, backingFormat: string, size: number): ExternalCommand {
  return {
    tool: 'qemu-img',
    command,
    args: ['create', '-q', '-f', 'qcow2', '-u', '-b', backingName, '-F', backingFormat, output, String(size)],
    cwd: dirname(output),
    parse: parseQemuImgStderr,
  };
}

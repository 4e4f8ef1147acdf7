// The external tools a build can use: their setting, Debian package, and the message when
// one is missing. Plain data shared by the CLI and the extension.

export type ToolName = 'genisoimage' | 'xorriso' | 'mkisofs' | 'qemu-img';

export const TOOL_INFO: Record<ToolName, { setting: string; debianPackage: string }> = {
  genisoimage: { setting: 'vmContext.tools.genisoimage', debianPackage: 'genisoimage' },
  xorriso: { setting: 'vmContext.tools.xorriso', debianPackage: 'xorriso' },
  mkisofs: { setting: 'vmContext.tools.mkisofs', debianPackage: 'genisoimage' },
  'qemu-img': { setting: 'vmContext.tools.qemuImg', debianPackage: 'qemu-utils' },
};

export function missingToolMessage(tool: ToolName, command: string): string {
  const { setting, debianPackage } = TOOL_INFO[tool];
  return (
    `${tool} was not found (tried "${command}"): install the Debian package ${debianPackage} ` +
    `(apt-get install ${debianPackage}), set ${setting} to its path, or use the embedded backend`
  );
}

/** A message a tool printed on stderr, classified by a pure parser. */
export interface ToolMessage {
  severity: 'error' | 'warning' | 'information';
  message: string;
  /** The file the message is about, when the tool named one. */
  file?: string;
}

// The example's template, adapted for the libvirt boot on a CI machine without KVM or a
// bridge: software emulation, direct kernel boot of the test initramfs, user-mode network
// with the template's own MAC, and a file-backed serial console the test reads. Disks, buses
// and the MAC stay as the template has them: they are what the boot proves.
export interface BootTemplateOptions {
  kernel: string;
  initrd: string;
  serialLog: string;
  /** Kernel command line; default: the busybox initramfs's. */
  cmdline?: string;
}

function replaceOnce(text: string, pattern: RegExp, by: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`the template has no ${what} to adapt`);
  return text.replace(pattern, by);
}

export function adaptTemplateForBoot(xml: string, o: BootTemplateOptions): string {
  let t = xml;
  t = replaceOnce(t, /<domain type=(['"])kvm\1>/, "<domain type='qemu'>", '<domain type="kvm">');
  t = replaceOnce(
    t,
    /(<type\b[^>]*>hvm<\/type>)/,
    `$1\n    <kernel>${o.kernel}</kernel>\n    <initrd>${o.initrd}</initrd>\n    <cmdline>${o.cmdline ?? 'console=ttyS0 panic=-1 quiet'}</cmdline>`,
    '<os><type>',
  );
  t = t.replace(/\s*<boot dev=(['"])hd\1\/>/, '');
  // host-model needs KVM; TCG runs its default CPU.
  t = t.replace(/\s*<cpu\b[^>]*\/>/, '');
  const mac = /<mac address=(['"])([0-9a-fA-F:]{17})\1\/>/.exec(t)?.[2];
  if (!mac) throw new Error('the template has no <mac address=…/>');
  t = replaceOnce(
    t,
    /<interface type=(['"])bridge\1>[\s\S]*?<\/interface>/,
    `<interface type='user'>\n      <mac address='${mac}'/>\n      <model type='virtio'/>\n      <rom enabled='no'/>\n    </interface>`,
    '<interface type="bridge">',
  );
  t = replaceOnce(t, /<serial type=(['"])pty\1>[\s\S]*?<\/serial>/, `<serial type='file'>\n      <source path='${o.serialLog}'/>\n      <target port='0'/>\n    </serial>`, '<serial>');
  t = t.replace(/\s*<console type=(['"])pty\1>[\s\S]*?<\/console>/, '');
  t = t.replace(/\s*<graphics\b[^>]*\/>/, '');
  t = t.replace(/\s*<video>[\s\S]*?<\/video>/, '');
  return t;
}

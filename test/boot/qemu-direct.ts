// The first boot: plain QEMU (-accel tcg) with the devices the template describes — its
// machine type, the overlay on its disk bus, the ISO as a CD-ROM on its bus, its MAC —
// and the test kernel + initramfs in place of the base image's boot loader.
import { describeTemplate } from '../../src/core/project/template';
import { parseXml } from '../../src/core/xml/parse';

export interface DirectBoot {
  args: string[];
  mac: string;
}

/** QEMU arguments for the template in `xml`; `fileFor` maps a template path to a local file. */
export function qemuArgsFromTemplate(
  xml: string,
  fileFor: (templatePath: string) => string,
  o: { kernel: string; initrd: string; serialLog: string },
): DirectBoot {
  const t = describeTemplate('template.xml', parseXml(xml));
  const machine = t.machine?.startsWith('pc-q35') || t.machine === 'q35' ? 'q35' : 'pc';
  const args = ['-accel', 'tcg', '-M', machine, '-m', '256', '-nodefaults', '-nographic', '-no-reboot'];
  args.push('-serial', `file:${o.serialLog}`, '-kernel', o.kernel, '-initrd', o.initrd, '-append', 'console=ttyS0 panic=-1 quiet');
  let n = 0;
  let port = 0;
  for (const d of t.disks) {
    const src = d.source?.value;
    if (!src) continue;
    const id = `disk${n++}`;
    const file = fileFor(src);
    const format = d.driverType?.value ?? 'raw';
    const bus = d.bus?.value ?? 'ide';
    if (d.device === 'cdrom') {
      args.push('-drive', `file=${file},if=none,id=${id},media=cdrom,readonly=on,format=${format}`);
      // q35's built-in AHCI controller is bus "ide"; IDE/SATA CD-ROMs are ide-cd devices.
      if (bus === 'sata' || bus === 'ide') args.push('-device', `ide-cd,drive=${id},bus=ide.${port++}`);
      else throw new Error(`CD-ROM bus ${bus} is not handled by the boot proof`);
    } else if (bus === 'virtio') {
      args.push('-drive', `file=${file},if=virtio,format=${format}`);
    } else throw new Error(`disk bus ${bus} is not handled by the boot proof`);
  }
  const nic = t.interfaces[0];
  const mac = nic?.mac?.value;
  if (!mac) throw new Error('the template has no interface with a MAC');
  // User-mode network on the template's subnet; the guest talks to nothing outside QEMU.
  args.push('-netdev', 'user,id=n0,net=192.168.122.0/24', '-device', `virtio-net-pci,netdev=n0,mac=${mac},romfile=`);
  return { args, mac };
}

// Disk rules the schema cannot see: a CD-ROM on virtio, IDE on q35, SCSI without virtio-scsi,
// and two disks with one target name.
import { diagnostic, type Diagnostic, type Fix, type TextEdit } from '../../../common/diagnostic';
import type { TemplateDisk } from '../../../project/template';
import { attribute, findAll } from '../../../xml/parse';
import { SOURCE, type DomainRuleInput } from './ruleInput';

/** i440FX machines ('pc', 'pc-i440fx-*', and QEMU's x86 default) have IDE, not AHCI. */
export function isPcMachine(machine: string | undefined): boolean {
  if (!machine) return true;
  return machine === 'pc' || machine.startsWith('pc-i440fx') || (machine.startsWith('pc-') && !machine.startsWith('pc-q35'));
}

/** q35 machines (`q35`, `pc-q35-*`) have an AHCI (SATA) controller and no IDE. */
export function isQ35Machine(machine: string | undefined): boolean {
  return machine === 'q35' || !!machine?.startsWith('pc-q35');
}

const BUS_PREFIX: Record<string, string> = { sata: 'sd', scsi: 'sd', usb: 'sd', ide: 'hd', virtio: 'vd' };

/** The first free target name with a prefix (sda, sdb, ...), given the names in use. */
export function nextFreeTarget(prefix: string, used: Set<string>): string {
  for (let i = 0; i < 26 * 27; i++) {
    const name = prefix + (i < 26 ? String.fromCharCode(97 + i) : String.fromCharCode(96 + Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26)));
    if (!used.has(name)) return name;
  }
  return `${prefix}zz`;
}

function busFix(disk: TemplateDisk, bus: string, used: Set<string>, preferred: boolean): Fix {
  const edits: TextEdit[] = [{ range: disk.bus!.range, newText: bus }];
  let title = `Put the ${disk.device === 'cdrom' ? 'CD-ROM' : 'disk'} on bus '${bus}'`;
  const dev = disk.targetDev;
  if (dev && !dev.value.startsWith(BUS_PREFIX[bus])) {
    const name = nextFreeTarget(BUS_PREFIX[bus], used);
    edits.push({ range: dev.range, newText: name });
    title += ` as '${name}'`;
  }
  return { title, edits, preferred };
}

export function cdromBusRule({ info }: DomainRuleInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  const used = new Set(info.disks.map((d) => d.targetDev?.value).filter((v): v is string => !!v));
  const pc = isPcMachine(info.machine);
  for (const d of info.disks) {
    if (d.device !== 'cdrom' || d.bus?.value !== 'virtio') continue;
    out.push(
      diagnostic(
        'domain-cdrom-bus',
        'error',
        `a CD-ROM cannot be on bus 'virtio': QEMU has no removable virtio disk, so the context ISO cannot be attached or ejected; use ${pc ? "'ide' (machine 'pc')" : "'sata' (machine q35)"}`,
        d.bus.range,
        // q35 has no IDE: offering it there would trade this error for domain-disk-bus-ide.
        { source: SOURCE, fixes: pc ? [busFix(d, 'ide', used, true), busFix(d, 'sata', used, false)] : [busFix(d, 'sata', used, true)] },
      ),
    );
  }
  return out;
}

/** A disk on bus 'ide' of a q35 machine: libvirt refuses it (q35 has no IDE controller). */
export function ideOnQ35Rule({ info }: DomainRuleInput): Diagnostic[] {
  if (!isQ35Machine(info.machine)) return [];
  const used = new Set(info.disks.map((d) => d.targetDev?.value).filter((v): v is string => !!v));
  return info.disks
    .filter((d) => d.bus?.value === 'ide')
    .map((d) =>
      diagnostic(
        'domain-disk-bus-ide',
        'error',
        `the q35 machine ('${info.machine}') has no IDE controller: libvirt refuses a ${d.device === 'cdrom' ? 'CD-ROM' : 'disk'} on bus 'ide'; use 'sata'`,
        d.bus!.range,
        { source: SOURCE, fixes: [busFix(d, 'sata', used, true)] },
      ),
    );
}

/**
 * A disk or CD-ROM on bus 'scsi' with no virtio-scsi controller: on x86 libvirt then adds an
 * LSI Logic controller, for which cloud kernels (Debian's linux-image-cloud-amd64: no
 * sym53c8xx, no mptspi) have no driver, so the guest never sees the disk.
 */
export function scsiControllerRule({ doc, info }: DomainRuleInput): Diagnostic[] {
  const scsi = info.disks.filter((d) => d.bus?.value === 'scsi');
  if (!scsi.length || !doc.root) return [];
  const controllers = findAll(doc.root, ['devices', 'controller']).filter((c) => attribute(c, 'type')?.value === 'scsi');
  if (controllers.some((c) => attribute(c, 'model')?.value === 'virtio-scsi')) return [];
  const d = scsi[0];
  const what = d.device === 'cdrom' ? 'CD-ROM' : 'disk';
  const model = controllers.length ? `its SCSI controller is model '${attribute(controllers[0], 'model')?.value ?? 'default'}'` : 'the template has no SCSI controller';
  // The fix adds one when there is none; a controller of another model is the user's choice to edit.
  const last = info.disks[info.disks.length - 1].range.end;
  const indent = ' '.repeat(Math.max(0, d.range.start.character));
  const fixes = controllers.length
    ? []
    : [{ title: "Add <controller type='scsi' model='virtio-scsi'/>", edits: [{ range: { start: last, end: last }, newText: `\n${indent}<controller type='scsi' index='0' model='virtio-scsi'/>` }], preferred: true }];
  return [
    diagnostic(
      'domain-scsi-controller',
      'warning',
      `a ${what} on bus 'scsi', and ${model}: libvirt then gives x86 guests an LSI Logic controller, which cloud kernels (Debian's linux-image-cloud-amd64) have no driver for; use model 'virtio-scsi'`,
      d.bus!.range,
      { source: SOURCE, fixes },
    ),
  ];
}

export function targetDuplicateRule({ file, info }: DomainRuleInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byDev = new Map<string, TemplateDisk[]>();
  for (const d of info.disks) if (d.targetDev) byDev.set(d.targetDev.value, [...(byDev.get(d.targetDev.value) ?? []), d]);
  const used = new Set(byDev.keys());
  for (const [dev, disks] of byDev) {
    if (disks.length < 2) continue;
    disks.forEach((d, i) => {
      const others = disks.filter((o) => o !== d);
      const fixes: Fix[] = [];
      if (i > 0) {
        const prefix = /^[a-z]+?(?=[a-z]$)|^[a-z]+/.exec(dev)?.[0] ?? 'sd';
        const name = nextFreeTarget(BUS_PREFIX[d.bus?.value ?? ''] ?? prefix, used);
        fixes.push({ title: `Rename the target to '${name}'`, edits: [{ range: d.targetDev!.range, newText: name }], preferred: true });
      }
      out.push(
        diagnostic('domain-target-duplicate', 'error', `target dev '${dev}' is used by ${disks.length} disks of this VM; libvirt refuses the domain`, d.targetDev!.range, {
          source: SOURCE,
          related: others.map((o) => ({ file, range: o.targetDev!.range, message: `'${dev}' is also used here` })),
          fixes,
        }),
      );
    });
  }
  return out;
}

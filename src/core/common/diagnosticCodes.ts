// The one table of diagnostic codes: every code the core, the CLI or the extension emits is a
// key here (the `DiagnosticCode` type makes any other code a type error), with its severity
// and a one-line meaning. The README's table is generated from it (`npm run docs:codes`) and
// test/unit/common/diagnosticCodes.test.ts fails when code, table and README drift apart.
//
// Adding a code: add a row here (keep the groups), emit it with a string literal (not a
// template string, so grep finds it), then run `npm run docs:codes`.
import type { Severity } from './diagnostic';

export interface DiagnosticCodeInfo {
  /** The severity it is emitted with; several when it depends on the case (the first is usual). */
  severity: Severity | readonly Severity[];
  /** One line for the README: what it means and, where there is one, the quick fix. */
  meaning: string;
}

export const DIAGNOSTIC_CODES = {
  // Domain templates (XML, libvirt's schema, the project's rules)
  'xml-malformed': { severity: 'error', meaning: 'a template is not well-formed XML (at the exact position)' },
  'xml-too-large': { severity: 'error', meaning: 'a template over 2 MB is not checked, built or deployed (a domain template is a few KB)' },
  'xml-not-utf8': { severity: 'error', meaning: 'a template is not valid UTF-8, at the first bad byte (`virsh define` refuses it)' },
  'template-not-domain': { severity: 'error', meaning: "a file the manifest's `templates` globs name has no `<domain>` root: not checked, built or deployed" },
  'domain-name-invalid': { severity: 'error', meaning: '`<name>` libvirt refuses or misreads (empty, `/`, a line break) or too long for a file name' },
  'domain-name-risky': { severity: 'warning', meaning: '`<name>` starts with `-` or `.`: libvirt accepts it, but it reads as an option or a hidden file elsewhere' },
  'libvirt-schema': {
    severity: 'error',
    meaning: "the template breaks libvirt's RELAX NG schema (`domain.rng` from `vmContext.libvirt.schemaDirectory`, else `/usr/share/libvirt/schemas`, else the bundled `schemas/domain-template.rng`); the source says which",
  },
  'libvirt-schema-skipped': { severity: 'information', meaning: 'a template over 512 KB, or no usable schema: not schema-checked' },
  'domain-disk-bus-ide': { severity: 'error', meaning: "a disk or CD-ROM on `bus='ide'` of a q35 machine, which has no IDE controller (libvirt refuses it); quick fix: `sata`" },
  'domain-cdrom-bus': { severity: 'error', meaning: "a CD-ROM on `bus='virtio'` (QEMU cannot attach removable media there); quick fix: `sata`, or `ide` for machine `pc`" },
  'domain-scsi-controller': { severity: 'warning', meaning: "a disk or CD-ROM on `bus='scsi'` without a `virtio-scsi` controller: libvirt adds an LSI Logic one, which cloud kernels (Debian's `linux-image-cloud-amd64`) cannot drive; quick fix adds the controller" },
  'domain-target-duplicate': { severity: 'error', meaning: 'two disks of one VM with the same `target dev`; quick fix renames one' },
  'domain-mac-multicast': { severity: 'error', meaning: 'a MAC whose first byte is odd; quick fix clears the bit' },
  'domain-mac-ip-outside-network': {
    severity: 'error',
    meaning: "with `addressing: mac`, the IPv4 address in the MAC's last 4 bytes is outside `NETWORK`/`NETMASK`; quick fix: next free address",
  },
  'domain-mac-ip-reserved': {
    severity: 'error',
    meaning: "with `addressing: mac`, the IPv4 address in the MAC's last 4 bytes is the network, broadcast or gateway address; quick fix: next free address",
  },
  'domain-name-duplicate': { severity: ['error', 'warning'], meaning: 'the same domain name in several templates (warning within one template), on every occurrence with the others as related information' },
  'domain-uuid-duplicate': { severity: ['error', 'warning'], meaning: 'the same UUID in several templates (warning within one template); quick fix: new UUID' },
  'domain-mac-duplicate': { severity: ['error', 'warning'], meaning: 'the same MAC on several interfaces of the project (warning within one template); quick fix: next free IP' },
  'domain-ip-duplicate': { severity: ['error', 'warning'], meaning: 'different MACs that encode the same IPv4 address (warning within one template); quick fix: next free IP' },
  'domain-disk-not-overlay': { severity: 'warning', meaning: "the disk is not this VM's overlay `REMOTE/NAME.qcow2`; quick fix" },
  'domain-seed-path': { severity: 'warning', meaning: "a NoCloud template's CD-ROM is not its own seed `REMOTE/<vm>-seed.iso` (it names context.iso or another VM's seed); quick fix" },
  'domain-context-iso-path': { severity: 'warning', meaning: "the CD-ROM is not the project's `REMOTE/context.iso`; quick fix" },
  'domain-bridge-mismatch': { severity: 'warning', meaning: "the interface's bridge differs from the project's; quick fix" },
  'domain-legacy-form': { severity: 'error', meaning: "a form current libvirt rejects (`<clock sync=…>`); quick fix to today's form (`offset`)" },

  // The project (folder layout, manifest, files)
  'context-missing-post-install': { severity: 'warning', meaning: '`context/post-install` is missing: the guest falls back to DHCP' },
  'context-missing': { severity: 'warning', meaning: 'the context folder does not exist' },
  'manifest-host-duplicate': { severity: 'error', meaning: 'two `hosts` entries with the same libvirt URI (deploy would send everything to the first); deploy refuses' },
  'manifest-syntax': { severity: 'error', meaning: '`vmcontext.json` is not valid JSON' },
  'manifest-invalid': { severity: ['error', 'warning'], meaning: 'a field of `vmcontext.json` has the wrong type (error) or an unknown name (warning)' },
  'project-base-image-ambiguous': { severity: 'warning', meaning: '`images/` holds several images and the manifest names none' },
  'project-unreadable': { severity: 'error', meaning: 'a file of the project could not be read' },
  'project-not-a-file': {
    severity: ['error', 'warning'],
    meaning: "`vmcontext.json`, a template, a guest file (`post-install`, `common/network`, `common/routes`) or a NoCloud seed file (`user-data`, `meta-data`, `network-config`) is a folder, a named pipe, a socket, a device or a symbolic link to nothing or in a loop: not read (a pipe would block the read for good); an error, a warning for a `*.xml` that only the default search (no `templates` in the manifest) found",
  },
  'internal-error': { severity: 'error', meaning: 'a validator failed on this file (a bug: please report it); the other validators still ran' },

  // context/common/network
  'network-syntax': {
    severity: 'error',
    meaning: '`context/common/network` is not plain shell `KEY=VALUE` lines: spaces around `=`, unbalanced quotes, command substitution, a command, an operator (quick fix for the spaces)',
  },
  'network-unknown-key': { severity: 'warning', meaning: 'a key post-install does not read; "did you mean" with a quick fix' },
  'network-duplicate-key': { severity: 'warning', meaning: 'a key set twice (the shell keeps the last); quick fix removes the line' },
  'network-missing-key': { severity: 'error', meaning: '`NETWORK`, `NETMASK` or `GATEWAY` is missing (quick fix when the others give its value)' },
  'network-invalid-ipv4': { severity: 'error', meaning: 'an address (or one address of `NAMESERVER`) is not dotted IPv4' },
  'network-invalid-netmask': { severity: 'error', meaning: '`NETMASK` is not a dotted netmask with contiguous ones (quick fix for `/24`)' },
  'network-inconsistent': { severity: 'error', meaning: '`NETWORK` ≠ `GATEWAY AND NETMASK`, or `BROADCAST` ≠ `NETWORK OR NOT NETMASK`; quick fix computes the value' },
  'network-gateway-outside': { severity: 'error', meaning: '`GATEWAY` is outside `NETWORK`/`NETMASK`, or is its network or broadcast address' },
  'network-empty-value': { severity: 'warning', meaning: '`KEY=` with an empty value' },
  'network-invalid-domain': { severity: 'warning', meaning: '`DOMAIN` or a `SEARCH` entry is not a domain name' },

  // context/common/routes
  'routes-syntax': {
    severity: 'error',
    meaning: 'a `context/common/routes` line is not `up|down|pre-up|post-up|pre-down|post-down` + `route add|del …` or `ip route add|del …` (quick fixes for typos, a missing phase, end-of-line comments)',
  },
  'routes-placeholder': { severity: 'error', meaning: 'an unfilled `<<name>>` template placeholder' },
  'routes-invalid-ipv4': { severity: 'error', meaning: 'a destination, host or gateway is not dotted IPv4' },
  'routes-invalid-netmask': { severity: 'error', meaning: 'a `netmask` is not dotted and contiguous, or a prefix length is over 32' },
  'routes-network-misaligned': { severity: 'error', meaning: 'the destination has host bits set for its mask; quick fix clears them' },
  'routes-gateway-unreachable': { severity: 'warning', meaning: 'a gateway outside the VM network (from `common/network`) and every on-link route' },
  'routes-duplicate': { severity: 'warning', meaning: 'the same route twice in the same phase; quick fix removes the line' },

  // Files the guest runs or reads (context/post-install, common/network, common/routes)
  'guest-crlf': { severity: 'error', meaning: "a CRLF or CR line ending in `post-install`, `common/network` or `common/routes`, at the first such line: the guest's shell reads `\\r` into commands and values; quick fix: convert to LF" },
  'guest-bom': { severity: 'error', meaning: 'one of those files starts with a UTF-8 byte-order mark, which the guest\'s shell runs as part of the first command; quick fix: remove it' },
  'guest-no-shebang': { severity: 'error', meaning: '`post-install` has no `#!` line while the guest runs it directly' },
  'guest-not-executable': { severity: 'error', meaning: '`post-install` has no execute bit while the guest runs it directly' },

  // The build (`vmctx build`, Build in VS Code): problems that stop or trim an output
  'build-label': { severity: ['error', 'warning'], meaning: 'the ISO volume label is empty, over 32 characters or not printable ASCII (error), or over 16 characters, so the Joliet label is cut (warning)' },
  'build-source-date-epoch': { severity: 'error', meaning: 'SOURCE_DATE_EPOCH is set but is not a whole number of seconds since 1970 up to 2155-12-31 (the last date an ISO 9660 file record holds): no ISO or seed is built, as reproducible-builds.org asks of a malformed value' },
  'build-no-context': { severity: 'error', meaning: 'the context folder cannot be read: no `context.iso`' },
  'build-no-base-image': { severity: 'error', meaning: 'no base image is configured (manifest `baseImage`, or one image in `images/`): no overlays' },
  'build-base-image': { severity: 'error', meaning: 'the base image cannot be read or is not a raw/qcow2 image: no overlays' },
  'build-seed': { severity: 'error', meaning: "a file of a NoCloud VM's seed (user-data, meta-data, network-config) cannot be read: that seed is not written" },
  'build-overlay': { severity: 'error', meaning: "an existing overlay cannot be read, or the overlay it would write is not valid, or a file in an overlay's place is no qcow2 image or a damaged one (left alone; `--force` replaces it)" },
  'build-state': { severity: 'error', meaning: 'the build record (`.vmcontext-build.json`) cannot be written; one line naming the file and the cause (the previous record stays whole)' },
  'build-stale-temporary': { severity: 'information', meaning: 'a build removed a temporary file (`.NAME.tmp-PID-…`) left by an interrupted build whose process is gone' },
  'output-path-conflict': {
    severity: 'error',
    meaning: 'an output (`output.iso`, its build record, `output.overlays`, a VM\'s overlay; NoCloud: `output.seeds`, a VM\'s seed) would land on an input (context folder, `cloud-init/`, template, manifest, base image), on another output, inside the context folder or `cloud-init/`, or a VM name would move its overlay or seed out of its folder; the build refuses and writes nothing',
  },
  'iso-unreadable': { severity: 'error', meaning: 'a file or folder of the context cannot be read; left out of the image' },
  'iso-name-encoding': { severity: 'warning', meaning: 'a context file name is not valid UTF-8; left out of the image' },
  'iso-file-too-large': { severity: 'error', meaning: 'a context file of 4 GiB or more: the image cannot hold it here, the build stops' },
  'iso-symlink-outside': { severity: 'warning', meaning: 'a symbolic link in the context points outside the context folder; left out of the image' },
  'iso-special-file': { severity: 'warning', meaning: 'a device, FIFO or socket in the context folder; left out of the image' },
  'iso-symlink-broken': { severity: 'warning', meaning: 'a symbolic link in the context leads to nothing (its target is missing, or the links loop): it goes into the image as a link, but the guest finds nothing behind it' },

  // cloud-init NoCloud projects (src/core/cloudinit, validation/cloudinit); grouped codes share their README meaning
  'cloudinit-userdata-header': { severity: 'error', meaning: '`user-data` starts with no header cloud-init knows (`#cloud-config`, `#!`, `#include`, `#cloud-boothook`, `## template: jinja`, MIME…), so cloud-init ignores it; "did you mean" with a quick fix, or inserting `#cloud-config` before YAML' },
  'cloudinit-userdata-empty': { severity: 'warning', meaning: '`user-data` is empty' },
  'cloudinit-userdata-unchecked': { severity: 'information', meaning: 'content the checks cannot look into: gzip-compressed user-data, a Jinja template\'s body, a base64 MIME part' },
  'cloudinit-yaml-syntax': { severity: 'error', meaning: 'a YAML error at its position (YAML 1.1, as cloud-init reads it); a key written twice (the earlier value is silently lost)' },
  'cloudinit-yaml-duplicate-key': { severity: 'error', meaning: 'a YAML error at its position (YAML 1.1, as cloud-init reads it); a key written twice (the earlier value is silently lost)' },
  'cloudinit-yaml-warning': { severity: 'warning', meaning: 'a YAML warning (e.g. an unknown tag)' },
  'cloudinit-schema-unknown-key': { severity: 'error', meaning: 'a key cloud-init\'s schema does not know, at the key, with "did you mean"' },
  'cloudinit-schema-type': { severity: 'error', meaning: 'a value of the wrong type, not among the allowed values ("did you mean"), a missing required key, another schema rule (pattern, range…), at the value' },
  'cloudinit-schema-enum': { severity: 'error', meaning: 'a value of the wrong type, not among the allowed values ("did you mean"), a missing required key, another schema rule (pattern, range…), at the value' },
  'cloudinit-schema-required': { severity: 'error', meaning: 'a value of the wrong type, not among the allowed values ("did you mean"), a missing required key, another schema rule (pattern, range…), at the value' },
  'cloudinit-schema-invalid': { severity: 'error', meaning: 'a value of the wrong type, not among the allowed values ("did you mean"), a missing required key, another schema rule (pattern, range…), at the value' },
  'cloudinit-deprecated': { severity: 'warning', meaning: 'a key or form cloud-init marks deprecated or changed, with the version and the replacement' },
  'cloudinit-changed': { severity: 'warning', meaning: 'a key or form cloud-init marks deprecated or changed, with the version and the replacement' },
  'cloudinit-include-url': { severity: 'error', meaning: 'a line of an `#include` that is not a URL' },
  'cloudinit-mime-invalid': { severity: 'error', meaning: 'MIME user-data without boundary or parts; a part of a type cloud-init has no handler for' },
  'cloudinit-mime-part-type': { severity: 'error', meaning: 'MIME user-data without boundary or parts; a part of a type cloud-init has no handler for' },
  'cloudinit-network-version': { severity: 'error', meaning: '`network-config` without `version: 1` or `version: 2` (cloud-init ignores it)' },
  'cloudinit-netplan-unknown-key': { severity: 'error', meaning: 'a version 2 device key netplan refuses although cloud-init\'s schema lets it through (`adresses`), with "did you mean"' },
  'cloudinit-network-address-invalid': { severity: 'error', meaning: 'a static address that is not IPv4 with a prefix length (netplan refuses it)' },
  'cloudinit-network-mac-unknown': { severity: 'error', meaning: 'a matched MAC that is no interface of the VM\'s template (or of the VMs a shared file serves)' },
  'cloudinit-network-address-outside': { severity: 'error', meaning: 'a static address outside the manifest\'s `network.cidr`, or its network, broadcast or gateway address' },
  'cloudinit-network-address-reserved': { severity: 'error', meaning: 'a static address outside the manifest\'s `network.cidr`, or its network, broadcast or gateway address' },
  'cloudinit-network-prefix-mismatch': { severity: 'warning', meaning: 'a static address\'s prefix differs from the project\'s network' },
  'cloudinit-network-address-mac-mismatch': { severity: 'error', meaning: 'with static (MAC) addressing, a static address other than the one the VM\'s MAC encodes' },
  'cloudinit-network-shared-static': { severity: 'error', meaning: 'a shared `cloud-init/network-config` giving several VMs the same static address' },
  'cloudinit-network-gateway-unreachable': { severity: 'error', meaning: 'a gateway (or route `via`) outside every subnet of its interface' },
  'cloudinit-meta-instance-id-missing': { severity: 'error', meaning: 'a VM\'s `meta-data` without `instance-id`' },
  'cloudinit-meta-instance-id-duplicate': { severity: 'error', meaning: 'an `instance-id` two VMs share (two files, or one shared file serving several VMs)' },
  'cloudinit-meta-hostname': { severity: 'error', meaning: '`local-hostname` is not a valid hostname' },
  'cloudinit-meta-unknown-key': { severity: ['warning', 'error'], meaning: 'a misspelt meta-data key ("did you mean"); meta-data that is not a mapping, a bad `dsmode`' },
  'cloudinit-meta-invalid': { severity: ['warning', 'error'], meaning: 'a misspelt meta-data key ("did you mean"); meta-data that is not a mapping, a bad `dsmode`' },
  'cloudinit-missing': { severity: 'warning', meaning: 'a NoCloud project without `cloud-init/`, or without a `user-data` for some VM' },
  'cloudinit-missing-user-data': { severity: 'warning', meaning: 'a NoCloud project without `cloud-init/`, or without a `user-data` for some VM' },
  'cloudinit-vm-unknown': { severity: 'warning', meaning: 'a `cloud-init/<vm>/` folder named after no VM; a file in `cloud-init/` that is not a seed file (left out of the seed)' },
  'cloudinit-file-unknown': { severity: 'warning', meaning: 'a `cloud-init/<vm>/` folder named after no VM; a file in `cloud-init/` that is not a seed file (left out of the seed)' },
  'cloudinit-iso-label': { severity: 'error', meaning: 'a NoCloud project whose `isoLabel` is not `CIDATA`: cloud-init would not find the seed (the default is `CIDATA` for NoCloud)' },
  'manifest-field-unused': { severity: 'warning', meaning: '`contextDir` in a NoCloud project' },
  'manifest-network-missing': { severity: 'warning', meaning: 'a NoCloud project with static addressing but no `network` in `vmcontext.json`; a Snooze project with a `network` it does not read' },
  'manifest-network-unused': { severity: 'warning', meaning: 'a NoCloud project with static addressing but no `network` in `vmcontext.json`; a Snooze project with a `network` it does not read' },
  'iso-too-many-folders': { severity: 'error', meaning: 'the context has more folders than an ISO 9660 path table can number; the image cannot be written' },

  // `vmctx rng SCHEMA FILE...`
  'rng-invalid': { severity: 'error', meaning: '`vmctx rng`: the file does not match the RELAX NG schema' },
  'rng-schema': { severity: 'error', meaning: '`vmctx rng`: the schema itself is wrong (reported against the schema file)' },
  'file-unreadable': { severity: 'error', meaning: '`vmctx rng`: a file to validate cannot be read' },
} as const satisfies Record<string, DiagnosticCodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** The severities a code may be emitted with. */
export function severitiesOf(code: DiagnosticCode): readonly Severity[] {
  const s: DiagnosticCodeInfo['severity'] = DIAGNOSTIC_CODES[code].severity;
  return typeof s === 'string' ? [s] : s;
}

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code);
}

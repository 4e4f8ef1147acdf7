// The Debian guests' report (nocloudBoot.test.ts, snoozeGuestBoot.test.ts): a systemd unit that
// runs /usr/local/bin/vmctx-report once the work it proves is done, prints its `VMCTX-PROOF …`
// lines to the serial port and powers the guest off. One unit for both flavors: they differ only
// in what it waits for.

export const PROOF = 'VMCTX-PROOF';

/**
 * vmctx-report.service, ordered after `after` (cloud-final.service, rc-local.service). The
 * [Install] section is what `systemctl enable` (or its symlink) reads; a guest that starts the
 * unit itself (NoCloud's runcmd) ignores it.
 */
export function reportUnit(after: string): string {
  return `[Unit]
After=${after}
[Service]
Type=oneshot
StandardOutput=tty
TTYPath=/dev/ttyS0
ExecStart=/usr/local/bin/vmctx-report
ExecStartPost=/bin/systemctl poweroff --no-block
[Install]
WantedBy=multi-user.target
`;
}

/** The guest's report lines in a serial log, each from its PROOF on. */
export function proofLines(serialText: string): string[] {
  return serialText.split(/\r?\n/).filter((l) => l.includes(PROOF)).map((l) => l.slice(l.indexOf(PROOF)));
}

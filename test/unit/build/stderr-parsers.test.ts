// The external tools' stderr, as they print it, parsed into messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseGenisoimageStderr, parseQemuImgStderr, parseXorrisoStderr } from '../../../src/core/build/stderrParsers';
import { missingToolMessage } from '../../../src/core/build/tools';

describe('stderr parsers', () => {
  it('genisoimage: errors with the file, warnings, info lines', () => {
    const m = parseGenisoimageStderr(
      "I: -input-charset not specified, using utf-8 (detected in locale settings)\n" +
        "genisoimage: No such file or directory. Invalid node - '/nonexistent'.\n" +
        'Warning: creating filesystem that does not conform to ISO-9660.\n' +
        ' 45.12% done, estimate finish Thu Nov 27 10:00:00 2026\n',
    );
    assert.deepEqual(m, [
      { severity: 'information', message: 'I: -input-charset not specified, using utf-8 (detected in locale settings)' },
      { severity: 'error', message: "No such file or directory. Invalid node - '/nonexistent'.", file: '/nonexistent' },
      { severity: 'warning', message: 'Warning: creating filesystem that does not conform to ISO-9660.' },
    ]);
    assert.deepEqual(parseGenisoimageStderr('Incorrectly encoded string (🙂 smile.txt) encountered.\nPossibly creating an invalid Joliet extension. Aborting.\n')[0].file, '🙂 smile.txt');
  });

  it('xorriso: levels mapped, progress dropped', () => {
    const m = parseXorrisoStderr(
      'xorriso 1.5.4 : RockRidge filesystem manipulator, libburnia project.\n\n' +
        "xorriso : FAILURE : Cannot determine attributes of source file '/nonexistent' : No such file or directory\n" +
        'libisofs: WARNING : Cannot add /x to Joliet tree. Symlinks can only be added to a Rock Ridge tree.\n' +
        'xorriso : UPDATE :  1 files added in 1 seconds\n' +
        "xorriso : NOTE : -return_with SORRY 32 triggered by problem severity SORRY\n",
    );
    assert.deepEqual(m.map((x) => x.severity), ['error', 'information', 'information']);
    assert.equal(m[0].file, '/nonexistent');
    // The link is in the image (Rock Ridge tree): no "left out" warning.
    assert.deepEqual(m[1], { severity: 'information', file: '/x', message: '/x is a symbolic link: in the Rock Ridge tree, not in the Joliet tree (Joliet has no symbolic links)' });
    assert.equal(parseXorrisoStderr('libisofs: WARNING : Cannot add /y to Joliet tree. Other reason.\n')[0].severity, 'warning');
  });

  it('qemu-img: the file and the message', () => {
    assert.deepEqual(parseQemuImgStderr("qemu-img: /nonexistent/o.qcow2: Could not create '/nonexistent/o.qcow2': No such file or directory\n"), [
      { severity: 'error', file: '/nonexistent/o.qcow2', message: "Could not create '/nonexistent/o.qcow2': No such file or directory" },
    ]);
    assert.deepEqual(parseQemuImgStderr("qemu-img: o.qcow2: Could not open 'missing.raw': No such file or directory\nCould not open backing image.\n").length, 2);
  });

  it('a missing tool names the setting and the Debian package', () => {
    const m = missingToolMessage('qemu-img', 'qemu-img');
    assert.match(m, /vmContext\.tools\.qemuImg/);
    assert.match(m, /qemu-utils/);
    assert.match(missingToolMessage('mkisofs', '/opt/mkisofs'), /genisoimage.*vmContext\.tools\.mkisofs/);
  });
});

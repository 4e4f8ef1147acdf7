// The New VM / New Fleet form: fields, per-field messages, the preview table and the
// validators' messages. It renders what the extension sends; it decides nothing itself.
import type { FieldMessage, FleetFieldName, FleetFormValues, FleetInit, TemplateMessage, ValidationResult } from '../shared/fleetProtocol';
import { el, type CheckboxElement, type ValueElement } from './elements';

type TextField = Exclude<FleetFieldName, 'form' | 'baseImage' | 'cdromBus'>;

interface FieldSpec {
  key: TextField;
  label: string;
  help: string;
  placeholder?: string;
  width?: 'short';
}

const TEXT_FIELDS: FieldSpec[] = [
  { key: 'name', label: 'Name or pattern', help: 'A name, or a pattern with {n} (web{n} → web1, web2, …; {n:2} pads to 2 digits). Names in use are skipped.', placeholder: 'web{n}' },
  { key: 'count', label: 'Count', help: 'How many VMs to create.', width: 'short' },
  { key: 'firstIp', label: 'First IP address', help: 'Each VM gets the next free address from here; its MAC encodes it.', placeholder: '192.168.122.20' },
  { key: 'memoryMiB', label: 'Memory (MiB)', help: '', width: 'short' },
  { key: 'vcpus', label: 'vCPUs', help: '', width: 'short' },
  { key: 'bridge', label: 'Bridge', help: 'The host bridge the VMs\' network interface joins.', placeholder: 'virbr0' },
];

export interface FormCallbacks {
  onChange(values: FleetFormValues): void;
  onCreate(values: FleetFormValues): void;
  onCancel(): void;
}

export class FleetFormView {
  private readonly fields = new Map<FleetFieldName, ValueElement>();
  private readonly helpers = new Map<FleetFieldName, HTMLElement>();
  private readonly helpText = new Map<FleetFieldName, string>();
  private readonly overlays: CheckboxElement;
  private readonly createButton: HTMLElement & { disabled: boolean };
  private readonly previewBody: HTMLTableSectionElement;
  private readonly previewNote: HTMLElement;
  private readonly templateList: HTMLElement;
  private readonly status: HTMLElement;
  private canCreate = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly init: FleetInit,
    private readonly callbacks: FormCallbacks,
  ) {
    root.replaceChildren();
    const what = init.mode === 'vm' ? 'New VM' : 'New fleet';
    root.append(
      el('h1', {}, `${what} in `, el('span', { className: 'project' }, init.projectName)),
      el('p', { className: 'intro' }, 'Writes one libvirt domain template per VM, next to the project\'s other templates', init.subnet ? `, with addresses in ${init.subnet}.` : '.'),
    );
    const form = el('form', { className: 'form', 'attr:novalidate': '' });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.create();
    });
    const grid = el('div', { className: 'grid' });
    for (const f of TEXT_FIELDS) grid.append(this.textField(f, init.values[f.key]));
    grid.append(
      this.select('baseImage', 'Base image', 'Shared by every VM of the project: each VM\'s overlay reads through it.', init.choices.baseImages, init.values.baseImage),
      this.select('cdromBus', 'CD-ROM bus', 'How the guest sees context.iso: SATA (q35), SCSI, or IDE (the older pc machine).', init.choices.cdromBuses, init.values.cdromBus),
    );
    form.append(grid);

    this.overlays = el('vscode-checkbox', { 'attr:id': 'createOverlays', label: 'Create the qcow2 overlays right away' } as Record<string, unknown>) as CheckboxElement;
    this.overlays.checked = init.values.createOverlays && init.trusted;
    this.overlays.disabled = !init.trusted;
    this.overlays.addEventListener('change', () => this.changed());
    form.append(
      el('div', { className: 'row' }, this.overlays, init.trusted ? '' : el('span', { className: 'muted' }, ' (needs a trusted workspace: it runs a build)')),
    );

    this.previewBody = el('tbody');
    this.previewNote = el('p', { className: 'muted', 'attr:id': 'preview-note' });
    form.append(
      el('h2', {}, 'Preview'),
      el('table', { className: 'preview', 'attr:aria-describedby': 'preview-note' }, el('thead', {}, el('tr', {}, ...['Name', 'IP address', 'MAC', 'UUID', 'Template'].map((h) => el('th', { 'attr:scope': 'col' }, h)))), this.previewBody),
      this.previewNote,
    );
    this.templateList = el('ul', { className: 'template-messages', 'attr:aria-live': 'polite' });
    form.append(this.templateList);

    this.createButton = el('vscode-button', { 'attr:id': 'create', 'attr:icon': 'add' } as Record<string, unknown>, init.mode === 'vm' ? 'Create VM' : 'Create VMs') as HTMLElement & { disabled: boolean };
    this.createButton.addEventListener('click', () => this.create());
    const cancel = el('vscode-button', { 'attr:secondary': '', 'attr:id': 'cancel' } as Record<string, unknown>, 'Cancel');
    cancel.addEventListener('click', () => callbacks.onCancel());
    this.status = el('span', { className: 'status', 'attr:role': 'status' });
    form.append(el('div', { className: 'buttons' }, this.createButton, cancel, this.status));
    root.append(form);
    // Enter in any text field creates, as in a dialog.
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'VSCODE-TEXTFIELD') {
        e.preventDefault();
        this.create();
      }
    });
    queueMicrotask(() => this.fields.get('name')?.focus());
  }

  private group(key: FleetFieldName, label: string, help: string, control: HTMLElement, short = false): HTMLElement {
    const helper = el('vscode-form-helper', { 'attr:id': `${key}-help` } as Record<string, unknown>, help);
    this.helpers.set(key, helper);
    this.helpText.set(key, help);
    return el('vscode-form-group', { 'attr:variant': 'vertical', className: short ? 'short' : '' } as Record<string, unknown>, el('vscode-label', { 'attr:for': key } as Record<string, unknown>, label), control, helper);
  }

  private textField(spec: FieldSpec, value: string): HTMLElement {
    const input = el('vscode-textfield', { 'attr:id': spec.key, 'attr:placeholder': spec.placeholder, 'attr:aria-describedby': `${spec.key}-help` } as Record<string, unknown>) as ValueElement;
    input.value = value;
    input.addEventListener('input', () => this.changed());
    this.fields.set(spec.key, input);
    return this.group(spec.key, spec.label, spec.help, input, spec.width === 'short');
  }

  private select(key: 'baseImage' | 'cdromBus', label: string, help: string, options: string[], value: string): HTMLElement {
    const select = el('vscode-single-select', { 'attr:id': key, 'attr:aria-describedby': `${key}-help` } as Record<string, unknown>) as ValueElement;
    const all = options.includes(value) || !value ? options : [value, ...options];
    for (const o of all) select.append(el('vscode-option', { value: o, selected: o === value } as Record<string, unknown>, o || '(none)'));
    if (all.length === 0) select.append(el('vscode-option', { value: '' } as Record<string, unknown>, '(no image in images/)'));
    select.addEventListener('change', () => this.changed());
    this.fields.set(key, select);
    return this.group(key, label, help, select);
  }

  values(): FleetFormValues {
    const v = (k: FleetFieldName) => this.fields.get(k)?.value ?? '';
    return {
      name: v('name'),
      count: v('count'),
      firstIp: v('firstIp'),
      memoryMiB: v('memoryMiB'),
      vcpus: v('vcpus'),
      baseImage: v('baseImage'),
      bridge: v('bridge'),
      cdromBus: v('cdromBus'),
      createOverlays: this.overlays.checked,
    };
  }

  private changed(): void {
    this.status.textContent = '';
    this.callbacks.onChange(this.values());
  }

  private create(): void {
    if (!this.canCreate) {
      this.status.textContent = 'Fix the marked fields first.';
      return;
    }
    this.busy(true);
    this.callbacks.onCreate(this.values());
  }

  busy(on: boolean): void {
    this.createButton.disabled = on || !this.canCreate;
    this.status.textContent = on ? 'Creating…' : this.status.textContent;
  }

  showError(message: string): void {
    this.busy(false);
    this.status.textContent = message;
  }

  show(result: ValidationResult): void {
    this.canCreate = result.canCreate;
    this.createButton.disabled = !result.canCreate;
    const byField = new Map<FleetFieldName, FieldMessage[]>();
    for (const f of result.fields) byField.set(f.field, [...(byField.get(f.field) ?? []), f]);
    for (const [key, helper] of this.helpers) {
      const messages = byField.get(key) ?? [];
      const input = this.fields.get(key);
      if (input) input.invalid = messages.some((m) => m.severity === 'error');
      helper.replaceChildren(
        ...(messages.length
          ? messages.map((m) => el('span', { className: m.severity }, el('span', { className: `codicon codicon-${m.severity}`, 'attr:aria-hidden': 'true' }), ` ${m.message}`))
          : [this.helpText.get(key) ?? '']),
      );
    }
    const formLevel = byField.get('form') ?? [];
    this.previewBody.replaceChildren(
      ...result.preview.map((r) => el('tr', {}, el('td', {}, r.name), el('td', {}, r.ip), el('td', { className: 'mono' }, r.mac), el('td', { className: 'mono' }, r.uuid), el('td', { className: 'mono' }, r.file))),
    );
    const notes: string[] = formLevel.map((f) => f.message);
    if (result.skipped.length) notes.push(`Skipped ${result.skipped.map((s) => `${s.ip} (${s.reason})`).join(', ')}.`);
    if (!result.preview.length) notes.push('Nothing to create yet.');
    this.previewNote.textContent = notes.join(' ');
    this.showTemplateMessages(result.templates);
  }

  private showTemplateMessages(messages: TemplateMessage[]): void {
    this.templateList.replaceChildren(
      ...messages.map((m) =>
        el('li', { className: m.severity }, el('span', { className: `codicon codicon-${m.severity === 'error' ? 'error' : m.severity === 'warning' ? 'warning' : 'info'}`, 'attr:aria-hidden': 'true' }), ` ${m.vm}: ${m.message} `, el('span', { className: 'muted' }, `(${m.code})`)),
      ),
    );
  }
}

// Entry of the New VM / New Fleet webview: handshake (`ready` → `init`), then every edit is
// sent for validation; only the answer to the latest request is shown.
import type { ExtensionToWebview, FleetFormValues, FleetInit } from '../shared/fleetProtocol';
import { vscode } from './vscodeApi';
import { FleetFormView } from './fleetFormView';
import './webview.css';

const root = document.body.appendChild(document.createElement('main'));
root.textContent = 'Loading…';

let view: FleetFormView | undefined;
let init: FleetInit | undefined;
let nextId = 1;
let latestValidation = 0;
let pendingCreate = 0;
let timer: number | undefined;

function validate(values: FleetFormValues, delay: number): void {
  if (init) vscode.setState({ mode: init.mode, projectRoot: init.projectRoot, values });
  window.clearTimeout(timer);
  timer = window.setTimeout(() => {
    latestValidation = nextId++;
    vscode.postMessage({ type: 'validate', id: latestValidation, values });
  }, delay);
}

window.addEventListener('message', (event: MessageEvent<ExtensionToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      init = m.init;
      view = new FleetFormView(root, m.init, {
        onChange: (values) => validate(values, 150),
        onCreate: (values) => {
          pendingCreate = nextId++;
          vscode.postMessage({ type: 'create', id: pendingCreate, values });
        },
        onCancel: () => vscode.postMessage({ type: 'cancel' }),
      });
      validate(m.init.values, 0);
      break;
    case 'validated':
      if (m.id === latestValidation) view?.show(m.result);
      break;
    case 'created':
      if (m.id !== pendingCreate) break;
      if (m.result) view?.show(m.result);
      if (!m.ok) view?.showError(m.message ?? 'Could not create the VMs.');
      break;
  }
});

vscode.postMessage({ type: 'ready' });

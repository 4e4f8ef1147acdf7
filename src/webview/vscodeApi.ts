// The webview's handle on VS Code: posting typed messages and keeping state across reloads.
import type { FleetPanelState, WebviewToExtension } from '../shared/fleetProtocol';

interface VsCodeApi {
  postMessage(message: WebviewToExtension): void;
  getState(): FleetPanelState | undefined;
  setState(state: FleetPanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called once per page. */
export const vscode: VsCodeApi = acquireVsCodeApi();

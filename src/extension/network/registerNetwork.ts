// The editor support of context/common/network and common/routes, registered in one call.
import type { Services } from '../services';
import { registerNetworkCompletion } from './networkCompletionProvider';
import { registerNetworkHover } from './networkHoverProvider';
import { registerNetworkLanguages } from './languages';
import { registerSubnetStatusBar } from './statusBar';
import { registerUnsavedNetwork } from './unsavedNetwork';
import { registerNetworkEditedContext } from './networkEdited';

export function registerNetworkFiles(services: Services): void {
  registerNetworkLanguages(services);
  registerNetworkCompletion(services);
  registerNetworkHover(services);
  registerSubnetStatusBar(services);
  registerUnsavedNetwork(services);
  registerNetworkEditedContext(services);
}

export { sfuConfigFromEnv, SfuConfig } from './config.js';
export { LocalSfuControl } from './control.js';
export { SfuServer } from './server.js';

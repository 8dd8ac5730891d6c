export { ConfigError, remoteSfuConfigFromEnv, RemoteSfuConfig, sfuConfigFromEnv, SfuConfig, sfuNodeConfigFromEnv, SfuNodeConfig } from './config.js';
export { LocalSfuControl, type LocalSfuControlOptions, type SfuHooks } from './control.js';
export { ControlServer } from './remote/control-server.js';
export { RemoteSfuControl, type RemoteSfuControlOptions } from './remote/remote-control.js';
export { SfuServer, type SfuServerOptions } from './server.js';

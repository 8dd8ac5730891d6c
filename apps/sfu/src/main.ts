import { pino } from 'pino';
import { ConfigError, sfuConfigFromEnv, sfuNodeConfigFromEnv } from './config.js';
import { LocalSfuControl } from './control.js';
import { ControlServer } from './remote/control-server.js';
import { SfuServer } from './server.js';

// The SFU on its own: process lifecycle only — configuration, start, and the two-signal shutdown.
let config: ReturnType<typeof sfuConfigFromEnv>;
let node: ReturnType<typeof sfuNodeConfigFromEnv>;
try {
  config = sfuConfigFromEnv();
  node = sfuNodeConfigFromEnv();
} catch (error) {
  console.error(`roomcast sfu: ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(1);
}
const log = pino({ level: node.logLevel });

try {
  const server = await SfuServer.create(config, log);
  const control = new LocalSfuControl(server, { log });
  const channel = await ControlServer.listen(control, { host: node.controlHost, port: node.controlPort, secret: node.controlSecret, log });
  log.info({ url: channel.url }, 'sfu control channel listening');

  let signals = 0;
  const stop = async (signal: string) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    log.info({ signal, drainMs: node.drainTimeoutMs }, 'sfu draining');
    channel.stopAccepting();
    await server.drain(node.drainTimeoutMs);
    await channel.close();
    server.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () =>
      stop(signal).catch((error: unknown) => {
        log.error({ err: error }, 'sfu shutdown failed');
        process.exit(1);
      }),
    );
  }
} catch (error) {
  log.fatal({ err: error }, 'roomcast sfu failed to start');
  process.exit(1);
}

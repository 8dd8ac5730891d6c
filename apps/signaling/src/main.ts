import { pino } from 'pino';
import { App } from './app.js';
import { configOrExit } from './config.js';

// Process lifecycle only: configuration, start, and the two-signal shutdown.
const config = configOrExit();
const log = pino({ level: config.logLevel });

try {
  const app = await App.create(config, log);
  console.log(`\n  Roomcast is running: open ${app.url}\n`);
  let signals = 0;
  const stop = (signal: string) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    app.close(`received ${signal}`).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  log.fatal({ err: error }, 'roomcast failed to start');
  process.exit(1);
}

// roomcast-agent: the thin entry. Everything else is in cli.ts and the modules it calls.
import { run } from './cli.js';

const controller = new AbortController();
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // A second signal exits at once.
    if (stopping) process.exit(130);
    stopping = true;
    controller.abort();
  });
}
process.exitCode = await run(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env, signal: controller.signal });

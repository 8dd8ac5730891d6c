// What other packages (e2e, bench) use of the agent: the same pieces the CLI runs.
export { Catalog } from './catalog.js';
export { IndexDb } from './index-db.js';
export { scan, type ScanResult } from './scanner.js';
export { run as runCli } from './cli.js';
export { startAgent, type RunningAgent } from './agent.js';

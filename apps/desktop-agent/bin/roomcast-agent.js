#!/usr/bin/env node
// Runs the built agent (pnpm --filter @roomcast/desktop-agent build).
await import('../dist/main.js');

// Test-only helpers shared by every package's tests, the e2e harness and the benchmarks.
export { freePort } from './ports.js';
export { SmtpInbox, type ReceivedMail } from './smtp-inbox.js';

// The e2e harness and the benchmarks import freePort from here; the one copy lives in testkit.
export { freePort } from '@roomcast/testkit';

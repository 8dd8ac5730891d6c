// The TURN toolkit other packages (tests, benchmarks) use: client, message codec, self-test.
export * from './client.js';
export * from './self-test.js';
export { decode, encode, type Address } from './stun.js';
export { checkTurnCredential, turnCredentials, orderTurnUrls, type TurnSettings } from '../auth/turn-credentials.js';

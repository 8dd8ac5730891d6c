// The TURN toolkit other packages (tests, benchmarks) use: client, message codec, self-test.
export * from './client.js';
export * from './self-test.js';
export { decode, encode, type Address } from './stun.js';
export { checkTurnCredential, turnCredentials, type TurnSettings } from '../auth/turn-credentials.js';
export { orderTurnUrls, turnUrlRank } from '@roomcast/shared';

export * from './common.js';
export * from './connectivity.js';
export * from './errors.js';
export * from './http.js';
export * from './limits.js';
export * from './sfu.js';
export * from './socket.js';
export * from './version.js';
export { z } from 'zod';

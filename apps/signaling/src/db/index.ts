export { openDatabase, parseDatabaseUrl, redactUrl, type OpenDatabaseOptions, type ParsedDatabaseUrl } from './database.js';
export { DuplicateError, InvalidValueError } from './errors.js';
export { normalizeEmail } from './prisma-stores.js';
export * from './types.js';

// Types for prisma-shared.mjs (used by src/db/migrations.test.ts).
export declare const APP_DIR: string;
export declare const SOURCE_SCHEMA: string;
export type Provider = 'sqlite' | 'postgresql';
export declare const PROVIDERS: readonly Provider[];
export declare function renderedSchemaPath(provider: Provider): string;
export declare function clientDir(provider: Provider): string;
export declare function migrationsDir(provider: Provider): string;
export declare function sha256(text: string): string;
export declare function renderSchema(source: string, provider: Provider): string;
export declare function renderAll(): Promise<Record<Provider, string>>;
export declare function writeIfChanged(path: string, text: string): Promise<boolean>;
export declare function loadSchemaEngine(): Promise<typeof import('@prisma/schema-engine-wasm')>;
export declare function offlineAdapterFactory(provider: Provider): import('@prisma/driver-adapter-utils').SqlMigrationAwareDriverAdapterFactory;
export declare function diffDatamodels(provider: Provider, from: string | null, to: string): Promise<string>;
export declare function listMigrations(provider: Provider): Promise<Array<{ name: string; dir: string }>>;

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from './route-table.js';

// The fuzzer's route table must name every route the routers declare: a route added without a
// table entry fails here (and is then fuzzed once it is added).
const src = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sources(file);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [file] : [];
  });
}

/** Where app.ts mounts a router factory: the path of the `web.use(` call that calls it. */
function mountOf(app: string, factory: string): string {
  const at = app.indexOf(`${factory}(`);
  if (at < 0) throw new Error(`${factory} is not mounted in app.ts`);
  const use = app.lastIndexOf('web.use(', at);
  const literal = /^web\.use\('([^']*)'/.exec(app.slice(use));
  return literal ? literal[1]! : '';
}

function declaredRoutes(): string[] {
  const app = readFileSync(path.join(src, 'app.ts'), 'utf8');
  const out: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(router|web)\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)) {
      let mount = '';
      if (m[1] === 'router') {
        const factory = [...text.slice(0, m.index).matchAll(/export function (\w+)\(/g)].at(-1)?.[1];
        if (!factory) throw new Error(`no router factory before a route in ${file}`);
        mount = mountOf(app, factory);
      }
      out.push(`${m[2]!.toUpperCase()} ${mount}${m[3] === '/' && mount ? '' : m[3]}`);
    }
  }
  return out;
}

describe('the fuzzer route table', () => {
  it('names every route the routers declare, and only those (plus tus, PeerJS and the 404 catch-all)', () => {
    const declared = declaredRoutes();
    expect(declared.length).toBeGreaterThan(40);
    const table = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(declared.filter((r) => !table.includes(r)), 'routes with no fuzz target: add them to route-table.ts').toEqual([]);
    const extra = ROUTES.filter((r) => !r.foreign && r.path !== '/api/:unknown').map((r) => `${r.method} ${r.path}`).filter((r) => !declared.includes(r));
    expect(extra, 'table entries no router declares').toEqual([]);
  });
});

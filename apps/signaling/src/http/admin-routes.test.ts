import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Client;
beforeAll(async () => {
  app = await startTestApp({ AUTH_RATE_LIMIT: '1000' });
  admin = new Client(app.url);
  await admin.call('POST', '/api/auth/signup', { email: 'root@example.org', password: 'the first one administers', displayName: 'Root' });
});
afterAll(async () => app?.cleanup());

describe('the admin user list', () => {
  it('finds accounts by email or name and pages through them; shows disabled and deleted; refuses non-admins', async () => {
    const ids: string[] = [];
    // Straight into the store: 55 argon2 hashes would only slow the test down.
    for (let i = 0; i < 55; i++) ids.push((await app.db.users.create({ email: `member${i}@example.org`, displayName: `Member ${i}` })).id);
    await admin.call('PUT', `/api/admin/users/${ids[3]}/disabled`, { disabled: true });
    await admin.call('DELETE', `/api/admin/users/${ids[4]}`);

    const first = (await admin.call('GET', '/api/admin/users?q=member')).json;
    expect(first.users).toHaveLength(50);
    expect(first.users[0]).toMatchObject({ id: ids[54], email: 'member54@example.org', role: 'listener', disabled: false, deleted: false });
    const second = (await admin.call('GET', `/api/admin/users?q=member&cursor=${first.next}`)).json;
    expect(second.next).toBeNull();
    // Deleted accounts lost their name and email, so a search for them finds 54 of the 55.
    expect([...first.users, ...second.users].map((u: { id: string }) => u.id)).toEqual(ids.filter((_, i) => i !== 4).reverse());
    expect(second.users.find((u: { id: string }) => u.id === ids[3])).toMatchObject({ disabled: true });
    const all = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: { users: unknown[]; next: string | null } = (await admin.call('GET', `/api/admin/users${cursor ? `?cursor=${cursor}` : ''}`)).json;
      all.push(...(page.users as { id: string }[]));
      cursor = page.next;
    }
    expect(all).toHaveLength(56); // root and the 55
    expect(all.find((u: { id: string }) => u.id === ids[4])).toMatchObject({ deleted: true, displayName: 'deleted user', email: null });
    expect((await admin.call('GET', '/api/admin/users?q=MEMBER7')).json.users.map((u: { displayName: string }) => u.displayName)).toEqual(['Member 7']);

    expect((await admin.call('GET', `/api/admin/users?q=${'x'.repeat(101)}`)).json.error.code).toBe('bad_request');
    const member = new Client(app.url);
    await member.call('POST', '/api/auth/signup', { email: 'plain@example.org', password: 'just a listener here', displayName: 'Plain' });
    expect((await member.call('GET', '/api/admin/users')).json.error.code).toBe('forbidden');
  });
});

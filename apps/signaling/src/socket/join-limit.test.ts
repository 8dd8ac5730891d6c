import { afterAll, beforeAll, expect, it } from 'vitest';
import { ask, Client, quickGuest, startTestApp } from '../testing/test-app.js';

/** Joining in a loop over real socket.io: refused with the wait, per account and per address. */
let app: Awaited<ReturnType<typeof startTestApp>>;
let roomId: string;

beforeAll(async () => {
  app = await startTestApp({ JOINS_PER_MINUTE: '3', JOINS_PER_IP_PER_MINUTE: '5' });
  const owner = new Client(app.url);
  await owner.call('POST', '/api/auth/signup', { email: 'joins@example.org', password: 'joining in a loop', displayName: 'Owner' });
  roomId = (await owner.call('POST', '/api/rooms', { name: 'Revolving door' })).json.room.id;
});
afterAll(async () => app?.cleanup());

it('refuses the fourth join of an account in a minute with rate_limited and the wait, on a new connection too, then the address’s sixth', async () => {
  const ada = await quickGuest(app, 'Ada');
  const first = await ada.socket();
  for (let i = 0; i < 3; i++) expect((await ask(first, 'room:join', { roomId })).ok).toBe(true);
  const refused = await ask(first, 'room:join', { roomId });
  expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  expect(refused.error.message).toMatch(/^too many room joins from your account; try again in \d+ seconds?$/);
  // A fresh connection of the same account does not reset the count.
  const second = await ada.socket();
  expect(await ask(second, 'room:join', { roomId })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });

  // Another account from the same address (loopback): two joins are left of the address's five.
  const bob = await (await quickGuest(app, 'Bob')).socket();
  expect((await ask(bob, 'room:join', { roomId })).ok).toBe(true);
  expect((await ask(bob, 'room:join', { roomId })).ok).toBe(true);
  const byAddress = await ask(bob, 'room:join', { roomId });
  expect(byAddress).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  expect(byAddress.error.message).toMatch(/^too many room joins from your address; try again in \d+ seconds?$/);
  // Ada's first membership is still hers: a refused join changes nothing.
  expect((await ask(first, 'room:leave', {})).ok).toBe(true);
  for (const s of [first, second, bob]) s.close();
});

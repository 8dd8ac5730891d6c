// Channel routes on a real app: a broadcaster owns /c/<handle>; anyone (no sign-in) opens it.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelResponse, BroadcastPage } from '@roomcast/shared';
import { Client, quickAccount, quickGuest, startTestApp } from '../testing/test-app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('channel routes', () => {
  let app: TestApp;
  let dj: Client;

  beforeAll(async () => {
    app = await startTestApp();
    dj = await quickAccount(app, 'DJ Ada', 'broadcaster');
  });
  afterAll(async () => app?.cleanup());

  it('lets a broadcaster create and edit a channel; anyone may open it', async () => {
    expect((await dj.call('GET', '/api/channels/mine')).status).toBe(404);
    const made = await dj.call('PUT', '/api/channels/mine', { handle: 'Night-Shift', title: 'Night shift', links: [{ label: 'Site', url: 'https://example.org' }] });
    expect(made.status).toBe(201);
    const { channel } = ChannelResponse.parse(made.json);
    expect(channel).toMatchObject({ handle: 'night-shift', ownerName: 'DJ Ada', live: null });
    const room = await dj.call('GET', `/api/rooms/${channel.roomId}`);
    expect(room.json.room).toMatchObject({ kind: 'dj', ownerId: channel.ownerId });

    const edited = await dj.call('PUT', '/api/channels/mine', { handle: 'night-shift', title: 'Night shift 2', description: 'Deep cuts' });
    expect(edited.status).toBe(200);
    expect(edited.json.channel).toMatchObject({ id: channel.id, roomId: channel.roomId, title: 'Night shift 2', links: [] });

    const anonymous = new Client(app.url);
    const opened = await anonymous.call('GET', '/api/channels/NIGHT-SHIFT');
    expect(opened.status).toBe(200);
    expect(opened.json.channel.description).toBe('Deep cuts');
    expect((await anonymous.call('GET', '/api/channels/nobody-here')).status).toBe(404);
    expect((await anonymous.call('GET', '/api/channels/..%2Fetc')).json.error.code).toBe('bad_request');
  });

  it('refuses channels to listeners and guests, and a taken handle', async () => {
    const listener = await quickAccount(app, 'Lis', 'listener');
    expect((await listener.call('PUT', '/api/channels/mine', { handle: 'lis', title: 'x' })).json.error.code).toBe('forbidden');
    const guest = await quickGuest(app, 'Guest');
    expect((await guest.call('PUT', '/api/channels/mine', { handle: 'guest', title: 'x' })).json.error.code).toBe('forbidden');
    const other = await quickAccount(app, 'DJ Bo', 'broadcaster');
    const taken = await other.call('PUT', '/api/channels/mine', { handle: 'night-shift', title: 'x' });
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe('conflict');
    const bad = await other.call('PUT', '/api/channels/mine', { handle: 'ok-handle', title: 'x', links: [{ label: 'x', url: 'javascript:alert(1)' }] });
    expect(bad.json.error).toMatchObject({ code: 'bad_request' });
  });

  it('schedules broadcasts, pages them, and serves each as an .ics that parses', async () => {
    const start = new Date((Math.ceil(Date.now() / 3_600_000) + 1) * 3_600_000); // iCalendar times are whole seconds
    const at = (h: number) => new Date(start.getTime() + h * 3_600_000).toISOString();
    for (const h of [0, 2, 4]) {
      const res = await dj.call('POST', '/api/channels/night-shift/schedule', { title: `Set ${h}`, description: 'Live, with chat', start: at(h), end: at(h + 1) });
      expect(res.status).toBe(201);
    }
    const other = await quickAccount(app, 'DJ Cy', 'broadcaster');
    expect((await other.call('POST', '/api/channels/night-shift/schedule', { title: 'x', start: at(0), end: at(1) })).status).toBe(403);
    expect((await dj.call('POST', '/api/channels/night-shift/schedule', { title: 'x', start: at(1), end: at(0) })).status).toBe(400);

    const anonymous = new Client(app.url);
    const first = BroadcastPage.parse((await anonymous.call('GET', '/api/channels/night-shift/upcoming?limit=2')).json);
    expect(first.broadcasts.map((b) => b.title)).toEqual(['Set 0', 'Set 2']);
    const second = BroadcastPage.parse((await anonymous.call('GET', `/api/channels/night-shift/upcoming?limit=2&cursor=${first.next}`)).json);
    expect(second.broadcasts.map((b) => b.title)).toEqual(['Set 4']);
    expect(second.next).toBeNull();

    const ics = await fetch(`${app.url}/api/channels/night-shift/broadcasts/${first.broadcasts[0]!.id}.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    const calendar = new ICAL.Component(ICAL.parse(await ics.text()));
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    expect(event.summary).toBe('Set 0 — Night shift 2');
    expect(event.startDate.toJSDate().getTime()).toBe(Date.parse(at(0)));
    expect(event.endDate.toJSDate().getTime()).toBe(Date.parse(at(1)));
    expect((await fetch(`${app.url}/api/channels/night-shift/broadcasts/nope.ics`)).status).toBe(404);
  });
});

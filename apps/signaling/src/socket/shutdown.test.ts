import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ask, Client, quickGuest, startTestApp } from '../testing/test-app.js';

describe('graceful shutdown', () => {
  it('tells members, lets each leave its room, and only then closes the SFU: no error on the way down', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = await startTestApp({}, { log: pino({ level: 'info' }, sink) });
    const owner = new Client(app.url);
    await owner.call('POST', '/api/auth/signup', { email: 'down@example.org', password: 'closing time now', displayName: 'Owner' });
    const roomId = (await owner.call('POST', '/api/rooms', { name: 'Last call' })).json.room.id;
    const sockets = await Promise.all([owner.socket(), (await quickGuest(app, 'A')).socket(), (await quickGuest(app, 'B')).socket()]);
    for (const s of sockets) {
      await ask(s, 'room:join', { roomId });
      await ask(s, 'sfu:createTransport', { direction: 'recv' });
    }
    const told = Promise.all(sockets.map((s) => new Promise((resolve) => s.once('server:shutdown', resolve))));
    await app.cleanup();
    await told;
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'peer left')).toHaveLength(3);
  });
});

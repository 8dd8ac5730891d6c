import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { AgentCredentials, AgentListResponse, PairingCodeResponse, PROTOCOL_VERSION } from '@roomcast/shared';
import { Client, startTestApp } from '../testing/test-app.js';

let app: Awaited<ReturnType<typeof startTestApp>>;
const sockets: Socket[] = [];

async function account(name: string): Promise<Client> {
  const c = new Client(app.url);
  const res = await c.call('POST', '/api/auth/signup', { email: `${name}@example.org`, password: 'long enough password', displayName: name });
  expect(res.status).toBe(201);
  return c;
}

function connect(path: string, auth: Record<string, unknown>, cookie = ''): Promise<Socket> {
  const socket = io(app.url + path, { transports: ['websocket'], auth, extraHeaders: cookie ? { cookie } : {}, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}
const agentSocket = (token: string) => connect('/agent', { protocolVersion: PROTOCOL_VERSION, token });
const browserSocket = (c: Client) => connect('/library', { protocolVersion: PROTOCOL_VERSION }, c.cookie);
const ask = (s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload);
const next = <T = any>(s: Socket, event: string) => new Promise<T>((resolve) => s.once(event, resolve));

/** An agent that accepts every session and records what reaches it. */
function acceptAll(agent: Socket) {
  const opened: any[] = [];
  agent.on('session:open', (open, ack) => {
    opened.push(open);
    ack({ ok: true, data: {} });
  });
  return opened;
}

async function pair(owner: Client, name = 'Den PC'): Promise<AgentCredentials> {
  const code = PairingCodeResponse.parse((await owner.call('POST', '/api/library/pairing-codes')).json).code;
  const anonymous = new Client(app.url);
  const paired = await anonymous.call('POST', '/api/library/agents/pair', { code: code.toLowerCase(), name });
  expect(paired.status).toBe(201);
  // One use only.
  const again = await anonymous.call('POST', '/api/library/agents/pair', { code, name });
  expect(again.json.error.code).toBe('invalid_credentials');
  return AgentCredentials.parse(paired.json);
}

beforeAll(async () => {
  app = await startTestApp({ TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'test-secret-test-secret' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await app?.cleanup();
});

describe('library: pairing, presence, sessions', () => {
  it('pairs with a one-time code, shows the agent online, and refuses a wrong token', async () => {
    const owner = await account('owner1');
    const creds = await pair(owner);
    await expect(agentSocket('A'.repeat(43))).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    await expect(agentSocket('short')).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
    const browser = await browserSocket(owner);
    const online = next(browser, 'library:presence');
    const agent = await agentSocket(creds.token);
    expect(await online).toEqual({ agentId: creds.agentId, online: true });
    const list = AgentListResponse.parse((await owner.call('GET', '/api/library/agents')).json);
    expect(list.agents).toEqual([expect.objectContaining({ id: creds.agentId, name: 'Den PC', mine: true, online: true })]);
    const offline = next(browser, 'library:presence');
    agent.close();
    expect(await offline).toEqual({ agentId: creds.agentId, online: false });
  });

  it('relays signals and binary relay frames only between the two ends of a session', async () => {
    const owner = await account('owner2');
    const stranger = await account('stranger2');
    const creds = await pair(owner);
    const agent = await agentSocket(creds.token);
    const opened = acceptAll(agent);
    const browser = await browserSocket(owner);

    const open = await ask(browser, 'library:open', { agentId: creds.agentId });
    expect(open.ok).toBe(true);
    const { sessionId, iceServers } = open.data;
    expect(iceServers[0].username).toMatch(/^\d+:/);
    expect(opened).toEqual([expect.objectContaining({ sessionId, relay: false, displayName: 'owner2' })]);
    expect(opened[0].iceServers[0].username).toMatch(new RegExp(`:agent-${creds.agentId}$`));

    const atAgent = next(agent, 'session:signal');
    expect((await ask(browser, 'library:signal', { sessionId, signal: { type: 'offer', sdp: 'v=0' } })).ok).toBe(true);
    expect(await atAgent).toEqual({ sessionId, signal: { type: 'offer', sdp: 'v=0' } });
    const atBrowser = next(browser, 'library:signal');
    expect((await ask(agent, 'session:signal', { sessionId, signal: { type: 'candidate', candidate: 'a=candidate:1', mid: '0' } })).ok).toBe(true);
    expect((await atBrowser).signal.type).toBe('candidate');

    // Relay frames: acknowledged only once the far end took them.
    agent.on('session:relay', (frame, ack) => {
      expect(Buffer.from(frame.data)).toEqual(Buffer.from([1, 2, 3]));
      ack({ ok: true, data: {} });
    });
    expect(await ask(browser, 'library:relay', { sessionId, data: Buffer.from([1, 2, 3]) })).toEqual({ ok: true, data: {} });
    browser.on('library:relay', (frame, ack) => ack({ ok: true, data: frame.data }));
    expect(await ask(agent, 'session:relay', { sessionId, data: '{"id":1,"ok":true,"data":{}}' })).toEqual({ ok: true, data: {} });
    const oversize = await ask(browser, 'library:relay', { sessionId, data: Buffer.alloc(200 * 1024) });
    expect(oversize.error.code).toBe('bad_request');

    // Someone else: refused before the agent hears anything, and cannot touch this session.
    const intruder = await browserSocket(stranger);
    expect((await ask(intruder, 'library:open', { agentId: creds.agentId })).error.code).toBe('not_found');
    expect((await ask(intruder, 'library:signal', { sessionId, signal: { type: 'offer', sdp: 'x' } })).error.code).toBe('not_found');
    expect((await ask(intruder, 'library:relay', { sessionId, data: 'x' })).error.code).toBe('not_found');
    expect(opened).toHaveLength(1);
    const unknown = next(intruder, 'protocol:error');
    intruder.emit('library:whatever', {});
    expect((await unknown).error.code).toBe('unknown_event');
    // With an ack, the refusal comes in the ack (found by the fuzzer: it used to hang until the client's timeout).
    expect(await ask(intruder, 'library:whatever', {})).toMatchObject({ ok: false, error: { code: 'unknown_event' } });

    // The browser leaves: the agent is told its session ended.
    const closed = next(agent, 'session:closed');
    browser.close();
    expect(await closed).toMatchObject({ sessionId });
  });

  it('grants and revokes: a revoked person’s session ends at once; unpairing disconnects the agent for good', async () => {
    const owner = await account('owner3');
    const friend = await account('friend3');
    const creds = await pair(owner);
    const agent = await agentSocket(creds.token);
    acceptAll(agent);
    const friendBrowser = await browserSocket(friend);
    expect((await ask(friendBrowser, 'library:open', { agentId: creds.agentId })).error.code).toBe('not_found');

    const granted = await owner.call('POST', `/api/library/agents/${creds.agentId}/grants`, { email: 'FRIEND3@example.org' });
    expect(granted.status).toBe(201);
    expect((await friend.call('GET', '/api/library/agents')).json.agents).toEqual([expect.objectContaining({ id: creds.agentId, mine: false, ownerName: 'owner3', online: true })]);
    // Only the owner manages access.
    expect((await friend.call('GET', `/api/library/agents/${creds.agentId}/grants`)).status).toBe(404);
    expect((await friend.call('DELETE', `/api/library/agents/${creds.agentId}`)).status).toBe(404);

    const open = await ask(friendBrowser, 'library:open', { agentId: creds.agentId, relay: true });
    expect(open.ok).toBe(true);
    const toFriend = next(friendBrowser, 'library:closed');
    const toAgent = next(agent, 'session:closed');
    expect((await owner.call('DELETE', `/api/library/agents/${creds.agentId}/grants/${(await owner.call('GET', `/api/library/agents/${creds.agentId}/grants`)).json.grants[0].userId}`)).status).toBe(204);
    expect(await toFriend).toMatchObject({ sessionId: open.data.sessionId, reason: expect.stringMatching(/stopped sharing/) });
    expect(await toAgent).toMatchObject({ sessionId: open.data.sessionId });
    expect((await ask(friendBrowser, 'library:open', { agentId: creds.agentId })).error.code).toBe('not_found');

    const revoked = next(agent, 'agent:revoked');
    const gone = next(agent, 'disconnect');
    expect((await owner.call('DELETE', `/api/library/agents/${creds.agentId}`)).status).toBe(204);
    await revoked;
    await gone;
    await expect(agentSocket(creds.token)).rejects.toMatchObject({ data: { code: 'unauthenticated' } });
  });

  it('an offline agent, a second pairing code beyond the cap, and a token made in the web app', async () => {
    const owner = await account('owner4');
    const made = await owner.call('POST', '/api/library/agents', { name: 'Laptop' });
    const creds = AgentCredentials.parse(made.json);
    const browser = await browserSocket(owner);
    expect((await ask(browser, 'library:open', { agentId: creds.agentId })).error.code).toBe('unavailable');
    for (let i = 0; i < 3; i++) expect((await owner.call('POST', '/api/library/pairing-codes')).status).toBe(201);
    expect((await owner.call('POST', '/api/library/pairing-codes')).json.error.code).toBe('limit_exceeded');
    const guest = new Client(app.url);
    await guest.call('POST', '/api/auth/guest', { displayName: 'Guest' });
    expect((await guest.call('POST', '/api/library/pairing-codes')).json.error.code).toBe('forbidden');
  });
});

// Last in the file: it spends this address's pairing attempts.
describe('library: guessing pairing codes', () => {
  it('is slowed per address, with the wait in the refusal', async () => {
    const guesser = new Client(app.url);
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await guesser.call('POST', '/api/library/agents/pair', { code: 'ABCD-EFGH', name: 'Guess' });
      codes.push(res.json.error.code);
      if (res.status === 429) {
        expect(res.json.error.message).toMatch(/try again in \d+ seconds?/);
        break;
      }
    }
    expect(codes.at(-1)).toBe('rate_limited');
    expect(codes.slice(0, -1).every((c) => c === 'invalid_credentials')).toBe(true);
  });
});

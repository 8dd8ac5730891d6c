import { describe, expect, it } from 'vitest';
import { ChannelBody, DjChatText, ChatWire, LIMITS, roomRule, ScheduleBody, serverEvents, clientRequests } from './index.js';

describe('DJ wire types', () => {
  it('normalises a channel handle and refuses unsafe ones', () => {
    expect(ChannelBody.parse({ handle: ' Night-Shift ', title: 'Night' })).toMatchObject({ handle: 'night-shift', description: '', links: [], artworkUrl: null });
    for (const handle of ['a', '../x', '-lead', 'x'.repeat(LIMITS.dj.handle.max + 1), 'sp ace']) {
      expect(ChannelBody.safeParse({ handle, title: 't' }).success, handle).toBe(false);
    }
  });

  it('takes only http(s) links and bounds how many', () => {
    expect(ChannelBody.safeParse({ handle: 'abc', title: 't', links: [{ label: 'x', url: 'javascript:alert(1)' }] }).success).toBe(false);
    expect(ChannelBody.safeParse({ handle: 'abc', title: 't', artworkUrl: 'data:image/png;base64,xx' }).success).toBe(false);
    const links = Array.from({ length: LIMITS.dj.links + 1 }, () => ({ label: 'x', url: 'https://example.org' }));
    expect(ChannelBody.safeParse({ handle: 'abc', title: 't', links }).success).toBe(false);
    expect(ChannelBody.safeParse({ handle: 'abc', title: 't', links: links.slice(1) }).success).toBe(true);
  });

  it('bounds chat text and refuses control characters', () => {
    expect(DjChatText.parse('  hi  ')).toBe('hi');
    expect(DjChatText.safeParse('   ').success).toBe(false);
    expect(DjChatText.safeParse('x'.repeat(LIMITS.dj.chatChars + 1)).success).toBe(false);
    expect(DjChatText.safeParse('a\u0000b').success).toBe(false);
    expect(DjChatText.safeParse('<img src=x onerror=alert(1)>').success).toBe(true); // rendered inert, not refused
  });

  it('checks a schedule ends after it starts and within the longest broadcast', () => {
    const start = '2030-01-01T20:00:00Z';
    expect(ScheduleBody.safeParse({ title: 't', start, end: '2030-01-01T22:00:00Z' }).success).toBe(true);
    expect(ScheduleBody.safeParse({ title: 't', start, end: start }).success).toBe(false);
    expect(ScheduleBody.safeParse({ title: 't', start, end: '2030-01-03T20:00:00Z' }).success).toBe(false);
  });

  it('knows the chat data-channel messages', () => {
    expect(ChatWire.safeParse({ type: 'delete', id: 'm1' }).success).toBe(true);
    expect(ChatWire.safeParse({ type: 'shout', id: 'm1' }).success).toBe(false);
  });

  it('lets listeners like and chat but only the studio go live and moderate', () => {
    const member = roomRule('dj', 'member').requests as readonly string[];
    const host = roomRule('dj', 'host').requests as readonly string[];
    expect(member).toEqual(expect.arrayContaining(['dj:state', 'dj:like', 'dj:chat']));
    for (const r of ['dj:goLive', 'dj:resume', 'dj:end', 'dj:deleteChat', 'dj:banChat', 'sfu:produce']) expect(member).not.toContain(r);
    expect(host).toEqual(expect.arrayContaining(['dj:goLive', 'dj:resume', 'dj:end', 'dj:deleteChat', 'dj:banChat', 'sfu:produce']));
    expect(roomRule('voice', 'host').requests).not.toContain('dj:like');
    expect(Object.keys(clientRequests)).toContain('dj:chat');
    expect(Object.keys(serverEvents)).toContain('dj:counts');
  });
});

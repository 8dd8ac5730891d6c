import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IceRecovery, type IceAction } from './ice-recovery';

describe('IceRecovery', () => {
  let actions: IceAction[];
  let recovery: IceRecovery;
  beforeEach(() => {
    vi.useFakeTimers();
    actions = [];
    recovery = new IceRecovery({ graceMs: 2_000, restartTimeoutMs: 6_000, act: (a) => actions.push(a) });
  });
  afterEach(() => {
    recovery.close();
    vi.useRealTimers();
  });
  const connected = () => {
    recovery.onState('connected');
    actions.length = 0;
  };

  it('gives a brief drop its grace: back by itself, no restart', () => {
    connected();
    recovery.onState('disconnected');
    vi.advanceTimersByTime(1_999);
    recovery.onState('connected');
    vi.advanceTimersByTime(10_000);
    expect(actions).toEqual(['interrupted', 'recovered']);
  });

  it('restarts ICE once the grace has passed, and the restart reconnecting ends the episode', () => {
    connected();
    recovery.onState('disconnected');
    vi.advanceTimersByTime(2_000);
    expect(actions).toEqual(['interrupted', 'restart']);
    recovery.onState('connecting');
    recovery.onState('connected');
    vi.advanceTimersByTime(60_000);
    expect(actions).toEqual(['interrupted', 'restart', 'recovered']);
  });

  it('restarts at once when a connected path fails (a relay that lost its allocations)', () => {
    connected();
    recovery.onState('failed');
    expect(actions).toEqual(['interrupted', 'restart']);
  });

  it('rejoins when the restart does not connect in time, and only once', () => {
    connected();
    recovery.onState('failed');
    recovery.onState('connecting');
    recovery.onState('disconnected');
    vi.advanceTimersByTime(5_999);
    expect(actions).toEqual(['interrupted', 'restart', 'interrupted']);
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(60_000);
    expect(actions).toEqual(['interrupted', 'restart', 'interrupted', 'rejoin']);
  });

  it('rejoins when the restarted path fails too, or the restart itself could not be made', () => {
    connected();
    recovery.onState('failed');
    recovery.onState('failed');
    expect(actions).toEqual(['interrupted', 'restart', 'rejoin']);

    actions.length = 0;
    recovery.onState('disconnected');
    vi.advanceTimersByTime(2_000);
    recovery.giveUp();
    vi.advanceTimersByTime(60_000);
    expect(actions).toEqual(['interrupted', 'restart', 'rejoin']);
  });

  it('a path that never connected is not restarted: it rejoins', () => {
    recovery.onState('connecting');
    recovery.onState('failed');
    expect(actions).toEqual(['rejoin']);
  });

  it('does nothing once closed', () => {
    connected();
    recovery.onState('disconnected');
    recovery.close();
    vi.advanceTimersByTime(60_000);
    recovery.onState('failed');
    recovery.giveUp();
    expect(actions).toEqual(['interrupted']);
  });
});

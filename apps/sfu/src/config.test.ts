import { describe, expect, it } from 'vitest';
import { ConfigError, remoteSfuConfigFromEnv, sfuConfigFromEnv, sfuNodeConfigFromEnv } from './config.js';

describe('SFU configuration from the environment', () => {
  it('has documented defaults and reads every tunable from its variable', () => {
    const config = sfuConfigFromEnv({});
    expect(config).toMatchObject({ port: 40000, respawnDelaysMs: [0, 250, 1000, 5000], audioLevelIntervalMs: 250, audioLevelThreshold: -70, audioLevelMaxEntries: 16, activeSpeakerIntervalMs: 300 });
    expect(
      sfuConfigFromEnv({ SFU_RESPAWN_DELAYS_MS: ' 10, 20 ', SFU_AUDIO_LEVEL_INTERVAL_MS: '500', SFU_AUDIO_LEVEL_THRESHOLD: '-60', SFU_AUDIO_LEVEL_MAX_ENTRIES: '4', SFU_ACTIVE_SPEAKER_INTERVAL_MS: '1000' }),
    ).toMatchObject({ respawnDelaysMs: [10, 20], audioLevelIntervalMs: 500, audioLevelThreshold: -60, audioLevelMaxEntries: 4, activeSpeakerIntervalMs: 1000 });
    expect(sfuConfigFromEnv({ SFU_RESPAWN_DELAYS_MS: '' }).respawnDelaysMs).toEqual([]);
    expect(sfuConfigFromEnv({ MEDIASOUP_WORKER_BIN: '/w' }).workerBin).toBe('/w');
  });

  it('names the variable that is wrong', () => {
    expect(() => sfuConfigFromEnv({ SFU_AUDIO_LEVEL_MAX_ENTRIES: '65' })).toThrow(/SFU_AUDIO_LEVEL_MAX_ENTRIES/);
    expect(() => sfuConfigFromEnv({ SFU_PORT: '80' })).toThrow(ConfigError);
  });

  it('the standalone node needs a secret of 16 characters or more, and never echoes it', () => {
    expect(() => sfuNodeConfigFromEnv({})).toThrow(/SFU_CONTROL_SECRET: is required/);
    let message = '';
    try {
      sfuNodeConfigFromEnv({ SFU_CONTROL_SECRET: 'hunter2-short' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/at least 16/);
    expect(message).not.toContain('hunter2');
    expect(sfuNodeConfigFromEnv({ SFU_CONTROL_SECRET: 's'.repeat(16) })).toMatchObject({ controlHost: '127.0.0.1', controlPort: 4080, drainTimeoutMs: 5000 });
  });

  it('signaling uses a remote SFU only when SFU_URL is set', () => {
    expect(remoteSfuConfigFromEnv({})).toBeUndefined();
    expect(remoteSfuConfigFromEnv({ SFU_URL: 'ws://10.0.0.2:4080', SFU_CONTROL_SECRET: 's'.repeat(16) })).toEqual({ url: 'ws://10.0.0.2:4080', secret: 's'.repeat(16), requestTimeoutMs: 10_000 });
    expect(() => remoteSfuConfigFromEnv({ SFU_URL: 'http://10.0.0.2', SFU_CONTROL_SECRET: 's'.repeat(16) })).toThrow(/SFU_URL/);
  });
});

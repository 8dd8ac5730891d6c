import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.js';

describe('TURN configuration', () => {
  it('is off unless both URLs and a secret are given', () => {
    expect(configFromEnv({ TURN_URLS: 'turn:t:3478' }).turn).toBeUndefined();
    expect(configFromEnv({ TURN_SECRET: 's' }).turn).toBeUndefined();
  });

  it('reads current and previous secrets from files, orders URLs UDP → TCP → TLS, and keeps defaults', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roomcast-config-'));
    writeFileSync(path.join(dir, 'secret'), 'current\n');
    writeFileSync(path.join(dir, 'secret.previous'), 'previous\n');
    const config = configFromEnv({
      TURN_URLS: 'turns:t:443?transport=tcp, turn:t:3478?transport=tcp ,turn:t:3478?transport=udp',
      TURN_SECRET_FILE: path.join(dir, 'secret'),
      TURN_SECRET_PREVIOUS_FILE: path.join(dir, 'secret.previous'),
    });
    expect(config.turn).toEqual({
      urls: ['turn:t:3478?transport=udp', 'turn:t:3478?transport=tcp', 'turns:t:443?transport=tcp'],
      secret: 'current',
      previousSecret: 'previous',
      ttlSeconds: 3600,
    });
    expect(config.iceConnectTimeoutMs).toBe(15_000);
    expect(config.turnSelfTest).toBe(true);
    // Secrets live only in `turn`, never among the plain (loggable) options.
    expect(JSON.stringify({ ...config, turn: undefined })).not.toMatch(/current|previous/);
  });

  it('refuses a TTL under 5 seconds and a connect timeout under a second', () => {
    expect(() => configFromEnv({ TURN_CREDENTIAL_TTL: '4' })).toThrow();
    expect(configFromEnv({ TURN_CREDENTIAL_TTL: '5' }).turnCredentialTtl).toBe(5);
    expect(() => configFromEnv({ ICE_CONNECT_TIMEOUT_MS: '10' })).toThrow();
  });
});

describe('video configuration', () => {
  it('defaults to the embedded queue with one worker, H.264 only', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({ videoMaxUploadMb: 4096, transcodeWorkers: 1, transcodeMaxAttempts: 3, transcodePreset: 'veryfast', transcodeWebm: false, transcodeQueue: 'roomcast-transcode' });
    expect(config.redisUrl).toBeUndefined();
    expect(configFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379', TRANSCODE_WEBM: 'true', TRANSCODE_WORKERS: '0' })).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', transcodeWebm: true, transcodeWorkers: 0 });
  });

  it('names the variable of a bad value', () => {
    expect(() => configFromEnv({ TRANSCODE_PRESET: 'placebo' })).toThrow(/TRANSCODE_PRESET/);
    expect(() => configFromEnv({ TRANSCODE_QUEUE: 'a queue' })).toThrow(/TRANSCODE_QUEUE/);
    expect(() => configFromEnv({ VIDEO_MAX_UPLOAD_MB: '0' })).toThrow(/VIDEO_MAX_UPLOAD_MB/);
  });
});

describe('archives with a standalone SFU', () => {
  const remote = { SFU_URL: 'ws://127.0.0.1:4080', SFU_CONTROL_SECRET: 'a secret of sixteen+' };
  it('are served from ARCHIVES_DIR (the SFU recordings folder as signaling sees it), and not at all without it', () => {
    expect(configFromEnv(remote).archivesDir).toBeUndefined();
    expect(configFromEnv({ ...remote, ARCHIVES_DIR: 'shared/archives' }).archivesDir).toBe(path.resolve('shared/archives'));
    // Embedded, the SFU's own folder is served whatever ARCHIVES_DIR says.
    expect(configFromEnv({ DATA_DIR: '/srv/rc', ARCHIVES_DIR: '/elsewhere' }).archivesDir).toBe('/srv/rc/archives');
  });
});

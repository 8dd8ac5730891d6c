import { z } from 'zod';
import { Id } from './common.js';
import { ErrorBody } from './errors.js';
import { LIMITS } from './limits.js';
import { IceServer } from './sfu.js';

/**
 * Library anywhere: a desktop agent (apps/desktop-agent) shares a music library with its
 * owner's browsers (and people the owner granted access) over WebRTC data channels; when no
 * WebRTC path works, the same messages ride socket.io through signaling (the server relay).
 *
 * - HTTP (`/api/library`): pairing, the agent list, grants.
 * - socket.io namespace `/agent`: an agent's presence and the sessions signaling opens on it.
 * - socket.io namespace `/library`: a browser opens a session on an agent, exchanges signals.
 * - Data channel (or relay frames): `AgentRequest` → `AgentResponse`, binary chunks for reads.
 */

const L = LIMITS.library;

export const AgentName = z.string().trim().min(L.agentName.min, 'agent name is required').max(L.agentName.max, `agent name is at most ${L.agentName.max} characters`);

/** Short, unambiguous (no 0/O, 1/I/L), typed by a person: 8 characters, dash optional. */
export const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PairingCode = z
  .string()
  .trim()
  .max(16)
  .transform((s) => s.replace(/[-\s]/g, '').toUpperCase())
  .pipe(z.string().regex(new RegExp(`^[${PAIRING_ALPHABET}]{8}$`), 'a pairing code is 8 letters and digits, as shown in the web app'));

/** An agent token: 43 url-safe characters (32 random bytes). Stored only as its sha256. */
export const AgentToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an agent token');

// ---- HTTP --------------------------------------------------------------------------------

/** POST /api/library/pairing-codes → a code to type into `roomcast-agent pair`. */
export const PairingCodeResponse = z.object({ code: z.string(), expiresAt: z.string() });
export type PairingCodeResponse = z.infer<typeof PairingCodeResponse>;

/** POST /api/library/agents/pair (no session: the code is the proof) — what the agent sends. */
export const PairBody = z.object({ code: PairingCode, name: AgentName });
export type PairBody = z.input<typeof PairBody>;

/** POST /api/library/agents (signed in): a token to paste into `roomcast-agent pair --token`. */
export const CreateAgentBody = z.object({ name: AgentName });

/** What the agent keeps in its config file; the token is shown once and never again. */
export const AgentCredentials = z.object({ agentId: Id, name: z.string(), token: AgentToken });
export type AgentCredentials = z.infer<typeof AgentCredentials>;

export const AgentView = z.object({
  id: Id,
  name: z.string(),
  ownerId: Id,
  ownerName: z.string(),
  /** The viewer owns it (may unpair it and manage who has access). */
  mine: z.boolean(),
  online: z.boolean(),
  createdAt: z.string(),
});
export type AgentView = z.infer<typeof AgentView>;
export const AgentListResponse = z.object({ agents: z.array(AgentView) });
export type AgentListResponse = z.infer<typeof AgentListResponse>;

/** POST /api/library/agents/:id/grants: share with a registered account, named by email. */
export const GrantBody = z.object({ email: z.string().trim().toLowerCase().email().max(LIMITS.email.max) });
export const GrantView = z.object({ userId: Id, displayName: z.string(), email: z.string().nullable(), createdAt: z.string() });
export type GrantView = z.infer<typeof GrantView>;
export const GrantListResponse = z.object({ grants: z.array(GrantView).max(LIMITS.library.grantsPerAgent) });
export const GrantResponse = z.object({ grant: GrantView });

// ---- signaling (both namespaces) ---------------------------------------------------------

/** One WebRTC signal, the same shape from a browser and from libdatachannel. */
export const Signal = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(L.signalBytes) }),
  z.object({ type: z.literal('candidate'), candidate: z.string().max(1024), mid: z.string().max(64) }),
]);
export type Signal = z.infer<typeof Signal>;

export const SessionId = Id;

/** How a session's messages travel: a data channel (direct or TURN), or socket.io through signaling. */
export const LibraryRung = z.enum(['direct', 'relay-udp', 'relay-tcp', 'relay-tls', 'server']);
export type LibraryRung = z.infer<typeof LibraryRung>;

/** Binary as socket.io delivers it: a Buffer in Node, an ArrayBuffer in a browser. */
const Binary = z.custom<Uint8Array | ArrayBuffer>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, 'binary data');
/** One data-channel message carried over the server relay: JSON text or a binary chunk. */
export const RelayData = z.union([
  z.string().max(L.messageBytes),
  Binary.refine((v) => v.byteLength <= L.chunkBytes + 8, `a chunk is at most ${L.chunkBytes} bytes`),
]);
export const RelayFrame = z.object({ sessionId: SessionId, data: RelayData });
export type RelayFrame = z.infer<typeof RelayFrame>;

/** socket.io `/agent` handshake `auth`. */
export const AgentHandshake = z.object({ protocolVersion: z.number().int(), token: AgentToken });

export const SessionOpen = z.object({
  sessionId: SessionId,
  userId: Id,
  displayName: z.string(),
  /** ICE servers with short-lived TURN credentials made for the agent (its own username). */
  iceServers: z.array(IceServer).max(16),
  /** The browser asked for the server relay straight away (no WebRTC). */
  relay: z.boolean(),
});
export type SessionOpen = z.infer<typeof SessionOpen>;

const SessionSignal = z.object({ sessionId: SessionId, signal: Signal });
const SessionRef = z.object({ sessionId: SessionId });
const Ok = z.object({});

/** Requests with an ack on `/library` (browser → server). */
export const libraryRequests = {
  /** Opens a session on an agent the caller owns or was granted; the agent then waits for an offer (or relay frames). */
  'library:open': {
    request: z.object({ agentId: Id, relay: z.boolean().default(false) }),
    response: z.object({ sessionId: SessionId, iceServers: z.array(IceServer).max(16), connectTimeoutMs: z.number().int().positive() }),
  },
  'library:signal': { request: SessionSignal, response: Ok },
  'library:relay': { request: RelayFrame, response: Ok },
  'library:close': { request: SessionRef, response: Ok },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** Events the server pushes on `/library`. */
export const libraryEvents = {
  'library:signal': SessionSignal,
  'library:relay': RelayFrame,
  /**
   * The session ended: the agent went away, access was revoked, or it was closed. `retry`: the
   * agent only went offline, so open a new session when `library:presence` says it is back.
   */
  'library:closed': z.object({ sessionId: SessionId, reason: z.string(), retry: z.boolean().default(false) }),
  /** An agent this person can use came online or went offline. */
  'library:presence': z.object({ agentId: Id, online: z.boolean() }),
} as const satisfies Record<string, z.ZodType>;

/** Requests with an ack on `/agent` (agent → server). */
export const agentRequests = {
  'session:signal': { request: SessionSignal, response: Ok },
  'session:relay': { request: RelayFrame, response: Ok },
  'session:close': { request: SessionRef, response: Ok },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** Events the server pushes on `/agent`. */
export const agentEvents = {
  'session:open': SessionOpen,
  'session:signal': SessionSignal,
  'session:relay': RelayFrame,
  'session:closed': z.object({ sessionId: SessionId, reason: z.string() }),
  /** The server registered this connection: from now on browsers can reach the agent through it. */
  'agent:ready': z.object({ agentId: Id, name: z.string().max(L.agentName.max).optional(), ownerName: z.string().max(100).optional() }),
  /** The owner unpaired this agent: forget the token and stop. */
  'agent:revoked': z.object({ reason: z.string() }),
} as const satisfies Record<string, z.ZodType>;

// ---- the agent's local status page (GET http://127.0.0.1:<port>/status.json) ------------

export const AgentStatusListener = z.object({
  sessionId: SessionId,
  displayName: z.string().max(100),
  rung: LibraryRung.nullable(),
  /** File bytes sent per second, over the last few seconds. */
  bytesPerSecond: z.number().nonnegative(),
  bytesSent: z.number().int().nonnegative(),
  since: z.string().max(40),
});
export const AgentStatus = z.object({
  /** Whom the agent is paired with, and whether signaling holds it now. */
  pairing: z.object({ server: z.string().max(2048).nullable(), agentName: z.string().max(100).nullable(), ownerName: z.string().max(100).nullable(), online: z.boolean() }),
  folders: z.array(z.string().max(4096)).max(64),
  scan: z.object({
    state: z.enum(['idle', 'scanning', 'watching']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    tracks: z.number().int().nonnegative(),
    /** The last full scan's summary, and when the watcher last changed the index. */
    summary: z.string().max(2000).nullable(),
    lastChangeAt: z.string().max(40).nullable(),
  }),
  uploadCapBytes: z.number().int().positive().nullable(),
  listeners: z.array(AgentStatusListener).max(L.sessionsPerAgent * 2),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

// ---- the agent protocol (data channel or relay) ------------------------------------------

/** A track's id: a hash of its path in the agent's index, never a path. */
export const TrackId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a track id');
const Text = z.string().max(L.text);
const Page = { offset: z.number().int().nonnegative().max(1_000_000).default(0), limit: z.number().int().positive().max(L.pageSize).default(100) };
const ReqId = z.number().int().nonnegative().max(0xffff_ffff);

/** Folder path relative to a shared folder, `/`-separated, as the agent listed it; looked up in the index, never opened. */
export const FolderPath = z.string().max(L.folderPath);

export const AgentRequest = z.discriminatedUnion('op', [
  z.object({ id: ReqId, op: z.literal('artists'), ...Page }),
  z.object({ id: ReqId, op: z.literal('albums'), artist: Text.optional(), ...Page }),
  z.object({ id: ReqId, op: z.literal('tracks'), albumId: TrackId.optional(), artist: Text.optional(), ...Page }),
  z.object({ id: ReqId, op: z.literal('folder'), root: z.number().int().nonnegative().max(64), path: FolderPath.default('') }),
  z.object({ id: ReqId, op: z.literal('search'), q: z.string().trim().min(1).max(L.searchQuery), ...Page }),
  z.object({ id: ReqId, op: z.literal('cover'), trackId: TrackId }),
  /** Bytes [start, end) of a track's file (end defaults to start + readBytes, capped at the file's size). */
  z.object({ id: ReqId, op: z.literal('read'), trackId: TrackId, start: z.number().int().nonnegative(), end: z.number().int().positive().optional() }),
  /**
   * Data saver: the track transcoded to Opus (in Ogg) at about `kbps`, from `startMs` (seeking is
   * by time: the output has no byte offsets of the file). Binary chunks follow the answer until
   * an empty chunk ends the stream.
   */
  z.object({
    id: ReqId,
    op: z.literal('transcode'),
    trackId: TrackId,
    kbps: z.number().int().min(L.transcodeKbps.min).max(L.transcodeKbps.max),
    startMs: z.number().int().nonnegative().max(48 * 3600 * 1000).default(0),
  }),
  /** Stops a read in flight (a seek): its chunks stop and it answers nothing more. */
  z.object({ id: ReqId, op: z.literal('cancel'), target: ReqId }),
  /**
   * Flow control on a data channel, answered by nothing: the bytes of binary messages received on
   * it so far. The first one (0, sent when the channel opens) turns the window on: from then on
   * the agent keeps at most a window of chunks unacknowledged, so what waits in the send buffers
   * ahead of a seek's first chunk stays small (the channel's own queues hold megabytes).
   */
  z.object({ op: z.literal('ack'), received: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }),
]);
export type AgentRequest = z.input<typeof AgentRequest>;
export type ParsedAgentRequest = z.infer<typeof AgentRequest>;

export const TrackView = z.object({
  id: TrackId,
  title: Text,
  artist: Text,
  albumArtist: Text,
  album: Text,
  albumId: TrackId,
  track: z.number().int().nullable(),
  disc: z.number().int().nullable(),
  year: z.number().int().nullable(),
  genre: Text.nullable(),
  durationMs: z.number().int().nonnegative(),
  bitrate: z.number().int().nonnegative().nullable(),
  codec: Text.nullable(),
  mime: z.string().max(100),
  size: z.number().int().nonnegative(),
  root: z.number().int().nonnegative(),
  folder: FolderPath,
  hasCover: z.boolean(),
});
export type TrackView = z.infer<typeof TrackView>;

export const AlbumView = z.object({ id: TrackId, title: Text, artist: Text, year: z.number().int().nullable(), tracks: z.number().int(), coverTrackId: TrackId.nullable() });
export type AlbumView = z.infer<typeof AlbumView>;
export const ArtistView = z.object({ name: Text, albums: z.number().int(), tracks: z.number().int() });
export type ArtistView = z.infer<typeof ArtistView>;

/** What a successful answer carries, per op. Reads and covers then stream binary chunks (`encodeChunk`). */
export const agentResults = {
  artists: z.object({ artists: z.array(ArtistView).max(L.pageSize), total: z.number().int() }),
  albums: z.object({ albums: z.array(AlbumView).max(L.pageSize), total: z.number().int() }),
  tracks: z.object({ tracks: z.array(TrackView).max(L.pageSize), total: z.number().int() }),
  folder: z.object({ roots: z.array(z.string().max(L.text)).max(64), folders: z.array(FolderPath).max(L.pageSize), tracks: z.array(TrackView).max(L.pageSize) }),
  search: z.object({ artists: z.array(ArtistView).max(L.pageSize), albums: z.array(AlbumView).max(L.pageSize), tracks: z.array(TrackView).max(L.pageSize) }),
  cover: z.object({ mime: z.string().max(100), size: z.number().int().nonnegative() }),
  /** `length` bytes follow in chunks; `size` is the whole file's. */
  read: z.object({ start: z.number().int(), length: z.number().int().nonnegative(), size: z.number().int(), mime: z.string().max(100) }),
  /** The stream's format, where it starts and the whole track's length (for the seek bar). */
  transcode: z.object({ mime: z.string().max(100), kbps: z.number().int(), startMs: z.number().int().nonnegative(), durationMs: z.number().int().nonnegative() }),
  cancel: z.object({}),
} as const satisfies Record<Exclude<ParsedAgentRequest['op'], 'ack'>, z.ZodType>;

export const AgentResponse = z.union([
  z.object({ id: ReqId, ok: z.literal(true), data: z.unknown() }),
  z.object({ id: ReqId, ok: z.literal(false), error: ErrorBody }),
]);
export type AgentResponse = z.infer<typeof AgentResponse>;

/**
 * Sent by the agent unasked, on every listener's carrier: the index changed while it ran (files
 * added, changed or removed in a shared folder), so what the listener shows may be stale.
 */
export const AgentNotice = z.object({
  event: z.literal('changed'),
  added: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  tracks: z.number().int().nonnegative(),
});
export type AgentNotice = z.infer<typeof AgentNotice>;

/**
 * A binary chunk of a read or cover: the request id (uint32, big-endian) then the bytes. Chunks
 * of one request arrive in order on a reliable ordered channel; the header said how many bytes.
 */
export function encodeChunk(id: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.byteLength);
  new DataView(out.buffer).setUint32(0, id >>> 0);
  out.set(bytes, 4);
  return out;
}

export function decodeChunk(frame: Uint8Array | ArrayBuffer): { id: number; bytes: Uint8Array } | null {
  const view = frame instanceof ArrayBuffer ? new Uint8Array(frame) : frame;
  if (view.byteLength < 4 || view.byteLength > L.chunkBytes + 4) return null;
  return { id: new DataView(view.buffer, view.byteOffset, view.byteLength).getUint32(0), bytes: view.subarray(4) };
}

/**
 * Parses one text message of the agent protocol, refusing oversize text before JSON.parse
 * reads it. Returns the schema's result or an error body to answer with.
 */
export function parseAgentMessage<S extends z.ZodType>(schema: S, text: string): { ok: true; value: z.infer<S> } | { ok: false; error: ErrorBody; id: number | null } {
  if (text.length > L.messageBytes) return { ok: false, id: null, error: { code: 'payload_too_large', message: `a message is at most ${L.messageBytes} bytes` } };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: { code: 'bad_request', message: 'not JSON' } };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const id = typeof (raw as { id?: unknown })?.id === 'number' ? ((raw as { id: number }).id >>> 0) : null;
  const issue = result.error.issues[0];
  return { ok: false, id, error: { code: 'bad_request', message: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` } };
}

/** Which rung a data channel is on, from the selected pair's local candidate type and relay protocol. */
export function libraryRung(candidateType: string | undefined, relayProtocol: string | undefined): LibraryRung {
  if (candidateType !== 'relay') return 'direct';
  if (relayProtocol === 'tls') return 'relay-tls';
  return relayProtocol === 'tcp' ? 'relay-tcp' : 'relay-udp';
}

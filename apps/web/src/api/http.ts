import {
  AccountResponse,
  AdminRoomsResponse,
  AdminStatsResponse,
  AdminUsersResponse,
  type Role,
  SessionListResponse,
  type AccountUpdateBody,
  type ChangeEmailBody,
  type ChangePasswordBody,
  type DeleteAccountBody,
  BroadcastPage,
  ChannelResponse,
  ChatReplay,
  FollowState,
  LikeReplay,
  type FollowBody,
  codeForStatus,
  HttpError,
  MailboxResponse,
  MeResponse,
  SignUpResponse,
  PartyResponse,
  VideoListResponse,
  type CreatePartyBody,
  RoomListResponse,
  RoomResponse,
  type ArchiveEditBody,
  type ChannelBody,
  type CreateRoomBody,
  type ScheduleBody,
  type GuestBody,
  type PasswordResetBody,
  type RoomKind,
  type SignInBody,
  type SignUpBody,
} from '@roomcast/shared';
import { ApiError } from './errors';

/** The type a shared schema describes, without the app depending on zod directly. */
type Parsed<S extends { parse(value: unknown): unknown }> = S extends { parse(value: unknown): infer T } ? T : never;

/**
 * Builds the ApiError for a failed response from its status and whatever body came back; a
 * body that is not ours (a proxy page, an empty 502) falls back on the shared status map.
 */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const parsed = HttpError.safeParse(body);
  if (parsed.success) return ApiError.fromBody(parsed.data.error, status);
  const code = codeForStatus(status);
  const message = code === 'unavailable' ? 'the server is unavailable, try again shortly' : `request failed (HTTP ${status})`;
  return new ApiError(code, message, [], status);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One JSON request to the same-origin API. The session lives in an httpOnly cookie, so
 * credentials always travel; a non-2xx answer becomes an ApiError with the server's code.
 */
export function apiRequest<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return readResponse<T>(
    fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    }),
  );
}

/** The body of an API answer (started elsewhere, like the entry's early session check), or its ApiError. */
export async function readResponse<T>(pending: Promise<Response>): Promise<T> {
  let res: Response;
  try {
    res = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network_error', 'cannot reach the server — check your connection');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiError('bad_response', 'the server sent an unreadable answer', [], res.status);
    }
  }
  if (!res.ok) throw errorFromResponse(res.status, json);
  return json as T;
}

export type MeResult = Parsed<typeof MeResponse>;
export type RoomResult = Parsed<typeof RoomResponse>;
export type RoomListResult = Parsed<typeof RoomListResponse>;

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
}

/** An answer checked against its schema in packages/shared; one that does not fit is `bad_response`. */
export async function checked<T>(schema: Schema<T>, answer: Promise<unknown>): Promise<T> {
  const parsed = schema.safeParse(await answer);
  if (parsed.success) return parsed.data;
  throw new ApiError('bad_response', `the server's answer does not fit its schema: ${parsed.error.issues[0]?.message ?? ''}`);
}

/** Reads the early session check's answer the way `authApi.me` reads its own. */
export const readMe = (pending: Promise<Response>) => checked(MeResponse, readResponse(pending));

export const authApi = {
  me: (signal?: AbortSignal) => checked(MeResponse, apiRequest('GET', '/api/auth/me', undefined, signal)),
  signUp: (body: SignUpBody) => checked(SignUpResponse, apiRequest('POST', '/api/auth/signup', body)),
  signIn: (body: SignInBody) => checked(MeResponse, apiRequest('POST', '/api/auth/signin', body)),
  guest: (body: GuestBody) => checked(MeResponse, apiRequest('POST', '/api/auth/guest', body)),
  signOut: () => apiRequest<void>('POST', '/api/auth/signout'),
  confirmEmail: (token: string) => checked(MeResponse, apiRequest('POST', '/api/auth/confirm-email', { token })),
  resendConfirmation: () => apiRequest<unknown>('POST', '/api/auth/confirm-email/resend'),
  /** Answered the same whether or not the address has an account. */
  requestPasswordReset: (email: string) => apiRequest<unknown>('POST', '/api/auth/password-reset', { email }),
  completePasswordReset: (body: PasswordResetBody) => apiRequest<void>('POST', '/api/auth/password-reset/complete', body),
};

export const accountApi = {
  rename: (body: AccountUpdateBody) => checked(AccountResponse, apiRequest('PATCH', '/api/account', body)),
  changeEmail: (body: ChangeEmailBody) => checked(AccountResponse, apiRequest('PUT', '/api/account/email', body)),
  changePassword: (body: ChangePasswordBody) => apiRequest<void>('PUT', '/api/account/password', body),
  sessions: (signal?: AbortSignal) => checked(SessionListResponse, apiRequest('GET', '/api/account/sessions', undefined, signal)),
  endSession: (id: string) => apiRequest<void>('DELETE', `/api/account/sessions/${encodeURIComponent(id)}`),
  signOutEverywhere: () => apiRequest<void>('POST', '/api/account/signout-everywhere'),
  /** Where the JSON export downloads from (a plain link: the browser saves it). */
  exportUrl: '/api/account/export',
  remove: (body: DeleteAccountBody) => apiRequest<void>('DELETE', '/api/account', body),
};

export const adminApi = {
  users: (q: string, cursor?: string, signal?: AbortSignal) =>
    checked(AdminUsersResponse, apiRequest('GET', `/api/admin/users?q=${encodeURIComponent(q)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, signal)),
  setRole: (id: string, role: Role) => apiRequest<unknown>('PATCH', `/api/admin/users/${encodeURIComponent(id)}/role`, { role }),
  setDisabled: (id: string, disabled: boolean) => apiRequest<unknown>('PUT', `/api/admin/users/${encodeURIComponent(id)}/disabled`, { disabled }),
  deleteUser: (id: string) => apiRequest<void>('DELETE', `/api/admin/users/${encodeURIComponent(id)}`),
  mailbox: (signal?: AbortSignal) => checked(MailboxResponse, apiRequest('GET', '/api/admin/mailbox', undefined, signal)),
  /** Open rooms with who is in them now, the busiest first. */
  rooms: (signal?: AbortSignal) => checked(AdminRoomsResponse, apiRequest('GET', '/api/admin/rooms', undefined, signal)),
  stats: (signal?: AbortSignal) => checked(AdminStatsResponse, apiRequest('GET', '/api/admin/stats', undefined, signal)),
};

export const roomsApi = {
  list: (kind: RoomKind, signal?: AbortSignal) =>
    checked(RoomListResponse, apiRequest('GET', `/api/rooms?kind=${encodeURIComponent(kind)}`, undefined, signal)),
  get: (roomId: string, signal?: AbortSignal) => checked(RoomResponse, apiRequest('GET', `/api/rooms/${encodeURIComponent(roomId)}`, undefined, signal)),
  create: (body: CreateRoomBody) => checked(RoomResponse, apiRequest('POST', '/api/rooms', body)),
  /** Closes the room for good (its owner or an admin); members are told with `room:closed`. */
  close: (roomId: string) => apiRequest<void>('DELETE', `/api/rooms/${encodeURIComponent(roomId)}`),
};

export const partiesApi = {
  /** Starts a party from a ready video the caller may watch. */
  create: (body: CreatePartyBody) => checked(PartyResponse, apiRequest('POST', '/api/parties', body)),
  /** What a share link leads to (name, whether a PIN is needed), before joining. */
  get: (roomId: string, signal?: AbortSignal) => checked(PartyResponse, apiRequest('GET', `/api/parties/${encodeURIComponent(roomId)}`, undefined, signal)),
};

const channelPath = (handle: string) => `/api/channels/${encodeURIComponent(handle)}`;

export const channelsApi = {
  get: (handle: string, signal?: AbortSignal) => checked(ChannelResponse, apiRequest('GET', channelPath(handle), undefined, signal)),
  mine: (signal?: AbortSignal) => checked(ChannelResponse, apiRequest('GET', '/api/channels/mine', undefined, signal)),
  save: (body: ChannelBody) => checked(ChannelResponse, apiRequest('PUT', '/api/channels/mine', body)),
  upcoming: (handle: string, cursor?: string, signal?: AbortSignal) =>
    checked(BroadcastPage, apiRequest('GET', `${channelPath(handle)}/upcoming${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, signal)),
  schedule: (handle: string, body: ScheduleBody) => apiRequest<unknown>('POST', `${channelPath(handle)}/schedule`, body),
  /** Published archives (all of them for the owner), latest first. */
  archives: (handle: string, cursor?: string, signal?: AbortSignal) =>
    checked(BroadcastPage, apiRequest('GET', `${channelPath(handle)}/archives${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, signal)),
  editArchive: (handle: string, id: string, body: ArchiveEditBody) => apiRequest<unknown>('PATCH', `${channelPath(handle)}/archives/${encodeURIComponent(id)}`, body),
  deleteArchive: (handle: string, id: string) => apiRequest<void>('DELETE', `${channelPath(handle)}/archives/${encodeURIComponent(id)}`),
  archiveLikes: (handle: string, id: string) => checked(LikeReplay, apiRequest('GET', `${channelPath(handle)}/archives/${encodeURIComponent(id)}/likes`)),
  archiveChat: (handle: string, id: string) => checked(ChatReplay, apiRequest('GET', `${channelPath(handle)}/archives/${encodeURIComponent(id)}/chat`)),
  /** The archive's audio (Ogg/Opus), range-served so the player seeks. */
  archiveAudioUrl: (handle: string, id: string) => `${channelPath(handle)}/archives/${encodeURIComponent(id)}/audio`,
  follow: (handle: string, signal?: AbortSignal) => checked(FollowState, apiRequest('GET', `${channelPath(handle)}/follow`, undefined, signal)),
  setFollow: (handle: string, follow: FollowBody | null) =>
    checked(FollowState, follow ? apiRequest('PUT', `${channelPath(handle)}/follow`, follow) : apiRequest('DELETE', `${channelPath(handle)}/follow`)),
  /** Where a scheduled broadcast's calendar file is served. */
  icsUrl: (handle: string, broadcastId: string) => `${channelPath(handle)}/broadcasts/${encodeURIComponent(broadcastId)}.ics`,
};

export const videosApi = {
  /** The caller's own videos, newest first (served by the videos side). */
  mine: (signal?: AbortSignal) => checked(VideoListResponse, apiRequest('GET', '/api/videos', undefined, signal)),
};

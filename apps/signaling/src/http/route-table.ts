import {
  AccountUpdateBody,
  AdminRoomsQuery,
  AdminUsersQuery,
  ArchiveEditBody,
  ChangeEmailBody,
  ChangePasswordBody,
  DeleteAccountBody,
  ChannelBody,
  FollowBody,
  ConfirmEmailBody,
  CreateAgentBody,
  CreatePartyBody,
  CreateRoomBody,
  GrantBody,
  GuestBody,
  PageQuery,
  PairBody,
  PasswordResetBody,
  PasswordResetRequestBody,
  RoomKind,
  RenameVideoBody,
  ScheduleBody,
  SetDisabledBody,
  SetRoleBody,
  SignInBody,
  SignUpBody,
  SubtitleUploadQuery,
  z,
} from '@roomcast/shared';

/**
 * Every HTTP route the app mounts, with the schema of its body and query: the fuzzer's targets.
 * `route-table.test.ts` fails when a router gains a route this table does not name, so a new
 * endpoint is fuzzed as soon as it exists.
 */
export interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Express path with `:params`, as mounted. */
  path: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Hashes a password (argon2id, 64 MiB): fuzzed with fewer messages. */
  hashes?: true;
  /** Answered by a library with its own error format (tus, PeerJS): only "never 5xx" holds. */
  foreign?: true;
}

const Empty = z.object({});
const KindQuery = z.object({ kind: RoomKind });

export const ROUTES: readonly RouteEntry[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/api/config' },
  // auth-routes.ts
  { method: 'POST', path: '/api/auth/signup', body: SignUpBody, hashes: true },
  { method: 'POST', path: '/api/auth/signin', body: SignInBody, hashes: true },
  { method: 'POST', path: '/api/auth/guest', body: GuestBody },
  { method: 'POST', path: '/api/auth/signout', body: Empty },
  { method: 'GET', path: '/api/auth/me' },
  // email-routes.ts
  { method: 'POST', path: '/api/auth/confirm-email', body: ConfirmEmailBody },
  { method: 'POST', path: '/api/auth/confirm-email/resend', body: Empty },
  { method: 'POST', path: '/api/auth/password-reset', body: PasswordResetRequestBody },
  { method: 'POST', path: '/api/auth/password-reset/complete', body: PasswordResetBody, hashes: true },
  // video-routes.ts, subtitles.ts, uploads.ts (tus)
  { method: 'GET', path: '/api/videos' },
  { method: 'GET', path: '/api/videos/:id' },
  { method: 'PATCH', path: '/api/videos/:id', body: RenameVideoBody },
  { method: 'DELETE', path: '/api/videos/:id' },
  { method: 'GET', path: '/api/videos/:id/playable' },
  { method: 'GET', path: '/api/videos/:id/files/:file' },
  { method: 'POST', path: '/api/videos/:id/subtitles', query: SubtitleUploadQuery },
  { method: 'DELETE', path: '/api/videos/:id/subtitles/:subtitleId' },
  { method: 'POST', path: '/api/uploads', foreign: true },
  { method: 'PATCH', path: '/api/uploads/:id', foreign: true },
  { method: 'HEAD', path: '/api/uploads/:id', foreign: true },
  { method: 'DELETE', path: '/api/uploads/:id', foreign: true },
  // room-routes.ts
  { method: 'GET', path: '/api/rooms', query: KindQuery },
  { method: 'POST', path: '/api/rooms', body: CreateRoomBody },
  { method: 'GET', path: '/api/rooms/:id' },
  { method: 'DELETE', path: '/api/rooms/:id' },
  // party-routes.ts
  { method: 'POST', path: '/api/parties', body: CreatePartyBody },
  { method: 'GET', path: '/api/parties/:id' },
  // channel-routes.ts, archive-routes.ts
  { method: 'GET', path: '/api/channels/mine' },
  { method: 'PUT', path: '/api/channels/mine', body: ChannelBody },
  { method: 'GET', path: '/api/channels/:handle' },
  { method: 'GET', path: '/api/channels/:handle/upcoming', query: PageQuery },
  { method: 'GET', path: '/api/channels/:handle/past', query: PageQuery },
  { method: 'POST', path: '/api/channels/:handle/schedule', body: ScheduleBody },
  { method: 'GET', path: '/api/channels/:handle/broadcasts/:id.ics' },
  { method: 'GET', path: '/api/channels/:handle/archives', query: PageQuery },
  { method: 'PATCH', path: '/api/channels/:handle/archives/:id', body: ArchiveEditBody },
  { method: 'DELETE', path: '/api/channels/:handle/archives/:id' },
  { method: 'GET', path: '/api/channels/:handle/archives/:id/audio' },
  { method: 'GET', path: '/api/channels/:handle/archives/:id/chat' },
  { method: 'GET', path: '/api/channels/:handle/archives/:id/likes' },
  { method: 'GET', path: '/api/channels/:handle/follow' },
  { method: 'PUT', path: '/api/channels/:handle/follow', body: FollowBody },
  { method: 'DELETE', path: '/api/channels/:handle/follow' },
  // connectivity-routes.ts
  { method: 'GET', path: '/api/ice-servers' },
  { method: 'GET', path: '/api/connectivity/self-test' },
  // account-routes.ts
  { method: 'PATCH', path: '/api/account', body: AccountUpdateBody },
  { method: 'PUT', path: '/api/account/email', body: ChangeEmailBody, hashes: true },
  { method: 'PUT', path: '/api/account/password', body: ChangePasswordBody, hashes: true },
  { method: 'GET', path: '/api/account/sessions' },
  { method: 'DELETE', path: '/api/account/sessions/:id' },
  { method: 'POST', path: '/api/account/signout-everywhere', body: Empty },
  { method: 'GET', path: '/api/account/export' },
  { method: 'DELETE', path: '/api/account', body: DeleteAccountBody, hashes: true },
  // admin-routes.ts
  { method: 'GET', path: '/api/admin/users', query: AdminUsersQuery },
  { method: 'DELETE', path: '/api/admin/users/:id' },
  { method: 'PATCH', path: '/api/admin/users/:id/role', body: SetRoleBody },
  { method: 'PUT', path: '/api/admin/users/:id/disabled', body: SetDisabledBody },
  { method: 'GET', path: '/api/admin/mailbox' },
  { method: 'GET', path: '/api/admin/stats' },
  { method: 'GET', path: '/api/admin/rooms', query: AdminRoomsQuery },
  // library-routes.ts
  { method: 'POST', path: '/api/library/pairing-codes', body: Empty },
  { method: 'POST', path: '/api/library/agents/pair', body: PairBody },
  { method: 'POST', path: '/api/library/agents', body: CreateAgentBody },
  { method: 'GET', path: '/api/library/agents' },
  { method: 'DELETE', path: '/api/library/agents/:id' },
  { method: 'GET', path: '/api/library/agents/:id/grants' },
  { method: 'POST', path: '/api/library/agents/:id/grants', body: GrantBody },
  { method: 'DELETE', path: '/api/library/agents/:id/grants/:userId' },
  // party/peer-server.ts (PeerJS's own HTTP routes)
  { method: 'GET', path: '/peerjs/id', foreign: true },
  { method: 'GET', path: '/peerjs/peers', foreign: true },
  // static.ts: the web app (its text stand-in when WEB_DIST is empty).
  { method: 'GET', path: '/' },
  // Not an API route: the catch-all answers a typed 404.
  { method: 'GET', path: '/api/:unknown' },
];

import type { GuestBody, SignInBody, SignUpBody, UserView } from '@roomcast/shared';
import { create } from 'zustand';
import { toApiError } from '../api/errors';
import { takeSessionCheck } from '../api/early';
import { authApi, readMe } from '../api/http';

interface SessionStore {
  user: UserView | null;
  /** `unknown` until the first /me answer, so pages do not flash a signed-out view. */
  status: 'unknown' | 'ready';
  /** Why /me failed for a reason other than "not signed in" (server down), if it did. */
  loadError: string | null;
  /** Why the server ended this session while a page was open (signed out elsewhere, disabled). */
  endedReason: string | null;
  load(): Promise<void>;
  /** The server ended the session (a `session:ended` push): forget the user, keep the reason. */
  ended(reason: string): void;
  /** The server changed the account (a `session:updated` push): role and name follow at once. */
  updated(user: UserView): void;
  signIn(body: SignInBody): Promise<UserView>;
  /** `confirmationRequired`: the account exists but has no session until its email is confirmed. */
  signUp(body: SignUpBody): Promise<{ user: UserView; confirmationRequired: boolean }>;
  guest(body: GuestBody): Promise<UserView>;
  signOut(): Promise<void>;
}

export const useSession = create<SessionStore>()((set) => ({
  user: null,
  status: 'unknown',
  loadError: null,
  endedReason: null,

  async load() {
    try {
      const early = takeSessionCheck();
      const { user } = await (early ? readMe(early) : authApi.me());
      set({ user, status: 'ready', loadError: null });
    } catch (raw) {
      const error = toApiError(raw);
      set({ user: null, status: 'ready', loadError: error.code === 'unauthenticated' ? null : error.message });
    }
  },

  ended: (reason) => set({ user: null, status: 'ready', endedReason: reason }),
  updated: (user) => set({ user }),

  // The ways in answer with the user and set the cookie (sign-up not while its email awaits confirmation); errors go to the form.
  async signIn(body) {
    const { user } = await authApi.signIn(body);
    set({ user, status: 'ready', loadError: null, endedReason: null });
    return user;
  },

  async signUp(body) {
    const { user, confirmationRequired = false } = await authApi.signUp(body);
    if (!confirmationRequired) set({ user, status: 'ready', loadError: null, endedReason: null });
    return { user, confirmationRequired };
  },

  async guest(body) {
    const { user } = await authApi.guest(body);
    set({ user, status: 'ready', loadError: null, endedReason: null });
    return user;
  },

  async signOut() {
    try {
      await authApi.signOut();
    } finally {
      // Even if the request failed, forget the user locally; a reload asks the server again.
      set({ user: null });
    }
  },
}));

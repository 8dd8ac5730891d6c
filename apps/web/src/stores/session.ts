import type { GuestBody, SignInBody, SignUpBody, UserView } from '@roomcast/shared';
import { create } from 'zustand';
import { toApiError } from '../api/errors';
import { authApi } from '../api/http';

interface SessionStore {
  user: UserView | null;
  /** `unknown` until the first /me answer, so pages do not flash a signed-out view. */
  status: 'unknown' | 'ready';
  /** Why /me failed for a reason other than "not signed in" (server down), if it did. */
  loadError: string | null;
  load(): Promise<void>;
  signIn(body: SignInBody): Promise<UserView>;
  signUp(body: SignUpBody): Promise<UserView>;
  guest(body: GuestBody): Promise<UserView>;
  signOut(): Promise<void>;
}

export const useSession = create<SessionStore>()((set) => ({
  user: null,
  status: 'unknown',
  loadError: null,

  async load() {
    try {
      const { user } = await authApi.me();
      set({ user, status: 'ready', loadError: null });
    } catch (raw) {
      const error = toApiError(raw);
      set({ user: null, status: 'ready', loadError: error.code === 'unauthenticated' ? null : error.message });
    }
  },

  // The three ways in all answer with the user and set the cookie; errors go to the form.
  async signIn(body) {
    const { user } = await authApi.signIn(body);
    set({ user, status: 'ready', loadError: null });
    return user;
  },

  async signUp(body) {
    const { user } = await authApi.signUp(body);
    set({ user, status: 'ready', loadError: null });
    return user;
  },

  async guest(body) {
    const { user } = await authApi.guest(body);
    set({ user, status: 'ready', loadError: null });
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

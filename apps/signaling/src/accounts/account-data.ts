/** What an account's deletion and export touch: every feature's rows that belong to a person. */
export interface AccountData {
  /**
   * Anonymises the account at once: name becomes "deleted user", email, password and sessions,
   * email links, paired agents and library shares go; chat keeps its messages under the new
   * name; rooms it owned close. The row stays (so history stays consistent) until purged.
   * @returns false when there is no such live account.
   */
  anonymise(userId: string, now?: Date): Promise<boolean>;
  /** Deletes, with everything they own, accounts deleted before `before`. @returns how many. */
  purgeDeleted(before: Date): Promise<number>;
  /** Everything stored about the person, secrets left out, as plain JSON. */
  export(userId: string): Promise<AccountExport | null>;
}

export const DELETED_NAME = 'deleted user';

export interface AccountExport {
  exportedAt: string;
  account: Record<string, unknown>;
  sessions: Record<string, unknown>[];
  rooms: Record<string, unknown>[];
  videos: Record<string, unknown>[];
  libraryAgents: Record<string, unknown>[];
  librariesSharedWithMe: Record<string, unknown>[];
  channel: Record<string, unknown> | null;
  chatMessages: Record<string, unknown>[];
}

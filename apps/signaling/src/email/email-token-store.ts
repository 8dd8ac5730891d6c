/** Why a link was sent; each purpose's links redeem only for that purpose. */
export const EMAIL_TOKEN_PURPOSES = ['confirm_email', 'reset_password'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

export interface NewEmailToken {
  userId: string;
  purpose: EmailTokenPurpose;
  /** The address the link goes to. */
  email: string;
  /** sha256 (hex) of the token; the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
}

export type Redeemed =
  | { ok: true; userId: string; email: string }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Single-use email links, async like every store (a second instance redeems the same rows). */
export interface EmailTokenStore {
  create(input: NewEmailToken): Promise<void>;
  /** Uses the token, once: of two racing redeems exactly one is `ok`. */
  redeem(tokenHash: string, purpose: EmailTokenPurpose, now?: Date): Promise<Redeemed>;
  /** Ends the account's unused links of `purpose` (a newer one, or a changed password, supersedes them). @returns how many. */
  voidUnused(userId: string, purpose: EmailTokenPurpose, now?: Date): Promise<number>;
}

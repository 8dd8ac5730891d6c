/** What a transport's state changes ask of the room. */
export type IceAction = 'interrupted' | 'restart' | 'recovered' | 'rejoin';

export interface IceRecoveryOptions {
  /** How long a `disconnected` path may recover on its own before ICE restarts. */
  graceMs: number;
  /** How long a restarted path has to connect before the room rejoins from scratch. */
  restartTimeoutMs: number;
  act(action: IceAction): void;
}

/**
 * When to restart ICE in place and when to give up and rejoin. A path that dropped briefly
 * gets a grace period; a path that is gone (`failed`: a relay that restarted and lost its
 * allocations, a network that changed) restarts at once, with fresh ICE servers, which keeps
 * the person's membership and consumers. Only a restart that fails, or does not connect in
 * time, and a path that never connected at all, cost a full rejoin.
 */
export class IceRecovery {
  readonly #options: IceRecoveryOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #restarting = false;
  #everConnected = false;
  #closed = false;

  constructor(options: IceRecoveryOptions) {
    this.#options = options;
  }

  onState(state: string): void {
    if (this.#closed) return;
    if (state === 'connected') {
      this.#everConnected = true;
      this.#reset();
      this.#options.act('recovered');
    } else if (state === 'disconnected') {
      this.#options.act('interrupted');
      // A restart in flight keeps its own deadline; the path is still being rebuilt.
      if (!this.#restarting) {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#restart(), this.#options.graceMs);
      }
    } else if (state === 'failed') {
      // Never connected: there is no path to restore, and a rejoin starts from a clean slate.
      if (this.#restarting || !this.#everConnected) this.giveUp();
      else {
        this.#options.act('interrupted');
        this.#restart();
      }
    }
  }

  /** The restart itself could not be made (the server refused it, the request failed). */
  giveUp(): void {
    if (this.#closed) return;
    this.#reset();
    this.#options.act('rejoin');
  }

  close(): void {
    this.#closed = true;
    this.#reset();
  }

  #restart(): void {
    this.#restarting = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.giveUp(), this.#options.restartTimeoutMs);
    this.#options.act('restart');
  }

  #reset(): void {
    this.#restarting = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Milliseconds since the epoch. Injected wherever time decides something, so tests move it by hand. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * Bumped on any incompatible change to a message below. Clients send it in the socket.io
 * handshake; the server refuses a mismatch with `protocol_mismatch` rather than misbehaving.
 */
export const PROTOCOL_VERSION = 3;

/** Size limits shared by both ends, so a client learns them from the same source the server enforces. */
export const LIMITS = {
  /** Largest HTTP JSON body the API accepts. */
  httpBodyBytes: 64 * 1024,
  /** Largest single socket.io message (engine.io maxHttpBufferSize). */
  socketMessageBytes: 256 * 1024,
  /** Largest opaque JSON blob inside a message (RTP parameters, capabilities). */
  jsonBlobBytes: 64 * 1024,
  displayName: { min: 1, max: 40 },
  email: { max: 254 },
  password: { min: 10, max: 256 },
  roomName: { min: 1, max: 80 },
  id: { max: 64 },
} as const;

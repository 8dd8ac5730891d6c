/**
 * Limits shared by both ends, so a client learns them from the same source the server
 * enforces. Sizes bound memory per message; caps bound what one person can hold at once.
 */
export const LIMITS = {
  /** Largest HTTP JSON body the API accepts. */
  httpBodyBytes: 64 * 1024,
  /** Largest single socket.io message (engine.io maxHttpBufferSize). */
  socketMessageBytes: 256 * 1024,
  /** Largest opaque JSON blob inside a message (RTP parameters, capabilities). */
  jsonBlobBytes: 64 * 1024,
  /** Deepest nesting of an opaque JSON blob; mediasoup's own structures need fewer than 8. */
  jsonBlobDepth: 16,
  displayName: { min: 1, max: 40 },
  email: { max: 254 },
  password: { min: 10, max: 256 },
  roomName: { min: 1, max: 80 },
  id: { max: 64 },
  /**
   * SFU objects one peer may hold at once in one room, enforced by the SFU peer. A browser
   * needs one send and one receive transport; a reconnect may briefly hold a second pair.
   */
  perPeer: {
    transports: 4,
    producers: 4,
    /** One per other member's microphone, plus video: a full room at the largest kind limit. */
    consumers: 512,
    dataProducers: 4,
    dataConsumers: 16,
  },
  /** Open socket.io connections per account (tabs, phones, reconnects overlapping). */
  socketsPerAccount: 8,
  /** Guest accounts created from one client address per hour. */
  guestsPerIpPerHour: 20,
  /** Largest batch in one request (consumer ids to resume, producer ids to consume). */
  batch: 512,
  /** Videos (watch parties): per-account caps and text sizes. The byte size of an upload is configuration (VIDEO_MAX_UPLOAD_MB). */
  videos: {
    /** Videos one account may keep (uploads in progress count once they finish). */
    perAccount: 100,
    /** Uploads one account may have started and not finished at once. */
    uploadsInFlight: 3,
    /** Subtitle tracks on one video. */
    subtitlesPerVideo: 16,
    /** Largest subtitle file (.vtt or .srt) accepted. */
    subtitleBytes: 2 * 1024 * 1024,
    title: { min: 1, max: 120 },
    subtitleLabel: { min: 1, max: 40 },
    /** Original file name kept for display. */
    sourceName: { max: 255 },
  },
  /** Library anywhere (desktop agents): per-account caps and message sizes (library.ts). */
  library: {
    /** Agents (paired computers) one account may own. */
    agentsPerAccount: 8,
    /** People one agent's owner may share it with. */
    grantsPerAgent: 50,
    /** Unused pairing codes one account may hold at once. */
    pairingCodesPerAccount: 3,
    /** A pairing code is valid this long. */
    pairingCodeTtlSeconds: 600,
    agentName: { min: 1, max: 60 },
    /** Browser sessions (connections to agents) one account may have open at once. */
    sessionsPerAccount: 6,
    /** Browser sessions one agent serves at once. */
    sessionsPerAgent: 16,
    /** One signaling message (SDP or ICE candidate). */
    signalBytes: 16 * 1024,
    /** One JSON request or response on the data channel (or the relay). */
    messageBytes: 256 * 1024,
    /** One binary chunk of a read (data channel message, relay frame). */
    chunkBytes: 64 * 1024,
    /** Bytes one read request may ask for; a player asks again for more. */
    readBytes: 4 * 1024 * 1024,
    /** Requests one peer may have unanswered at once; more are refused with rate_limited. */
    requestsInFlight: 8,
    /** Items one browse or search page holds. */
    pageSize: 500,
    /** Tag text (title, artist, …) is cut to this. */
    text: 300,
    searchQuery: 100,
    /** Folder paths relative to a shared folder, as listed. */
    folderPath: 1024,
    /** Bytes the server relay holds unacknowledged for one session (back-pressure on the agent). */
    relayWindowBytes: 1024 * 1024,
    /** Data saver: Opus bitrates a listener may ask for (kbit/s), and ffmpeg processes at once. */
    transcodeKbps: { min: 16, max: 256 },
    transcodesPerListener: 2,
    transcodesPerAgent: 4,
  },
  /** Live DJ channels: text sizes, chat and list sizes. */
  dj: {
    handle: { min: 3, max: 32 },
    title: { min: 1, max: 120 },
    description: { max: 2000 },
    links: 8,
    linkLabel: { max: 40 },
    linkUrl: { max: 500 },
    /** Characters in one chat message. */
    chatChars: 500,
    /** Largest chat data-channel message the server sends (a message view as JSON). */
    chatWireBytes: 4096,
    /** Messages a late listener gets with the live state. */
    chatTail: 50,
    /** Messages an archive replays beside its timeline (the first ones, in order). */
    chatReplay: 2000,
    /** Items per page of past or upcoming broadcasts. */
    pageSize: 20,
    maxScheduledHours: 24,
    /** Upcoming broadcasts one channel may have scheduled at once. */
    scheduledPerChannel: 100,
    /** Channels one account may follow. */
    followsPerUser: 500,
    /** Likes an archive replays beside its timeline (the first ones, in order). */
    likeReplay: 5000,
  },
} as const;

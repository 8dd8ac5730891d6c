import { createHash } from 'node:crypto';

/** Ids the wire sees instead of paths: stable across restarts, meaningless outside this index. */
const digest = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 22);

export const trackId = (root: string, relPath: string): string => digest(`track\0${root}\0${relPath}`);
export const albumId = (albumArtist: string, album: string): string => digest(`album\0${albumArtist.toLowerCase()}\0${album.toLowerCase()}`);

// Test helpers other packages use (e2e, bench): a generated library and a Node listener.
export { copies, FIXTURE, makeLibrary, makeTrack, type FixtureTrack } from './fixture.js';
export { connectListener, type NodeListener } from './node-listener.js';

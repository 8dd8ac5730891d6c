/* Placeholder translation unit. The mediasoup worker's meson.build link_whole's a
 * static library from this subproject (only for its optional, unbuilt
 * libmediasoup-worker target); the real code comes from the system library found
 * with pkg-config, so this library is deliberately empty. */
typedef int roomcast_worker_stub_placeholder;

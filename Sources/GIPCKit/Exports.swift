// What `import GIPCKit` brings, on purpose:
// - GIPCCodecs, all of it: the codecs, `MessageCodec` to write one's own, `Value`, `DecodeLimits` and `CodecError`
//   are part of every pipe's API.
// - GIPCTransport, all of its public API: `PipeOptions` (every pipe takes them), `TransportError` (inside
//   `GIPCError.transportError`), `FrameFormat` (the wire format's limits), and the byte-level `FramePipe`,
//   `FrameReader`, `FrameWriter` and `FrameDecoder` for peers that speak frames without a codec.
// GIPCRuntime (reactor, waiter, FIFO lock) is not re-exported: its API is `package` and stays inside the library.
@_exported public import GIPCCodecs
@_exported public import GIPCTransport

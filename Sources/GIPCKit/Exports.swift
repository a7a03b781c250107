@_exported public import GIPCCodecs
@_exported public import GIPCTransport

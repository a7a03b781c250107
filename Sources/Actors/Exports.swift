// What `import GIPCActors` brings: GIPCKit, whose types (`GIPC`, `ChildOutput`, `ExitStatus`, the codecs) are part of
// the actor system's API. `Distributed` is imported by the files that declare distributed actors.
@_exported public import GIPCKit

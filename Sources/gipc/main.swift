import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The first statement: in a child started by `gipc demo`, this runs the requested entry and exits.
await GIPC.bootstrap(DemoEntries.all)

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "demo":
    do {
        try await Demo.run()
    } catch {
        print("demo failed: \(error)")
        exit(1)
    }
case nil, "help", "--help", "-h":
    print(
        """
        usage: gipc <subcommand>

        subcommands:
          demo    frames through a pipe, then gipc's documentation examples ported to GIPCKit
        """)
default:
    print("gipc: unknown subcommand '\(arguments[0])'; see 'gipc --help'")
    exit(64)
}

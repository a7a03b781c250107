// swift-tools-version: 6.2
import CompilerPluginSupport
import PackageDescription

let package = Package(
    name: "GIPCKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "GIPCKit", targets: ["GIPCKit"]),
        .library(name: "GIPCTransport", targets: ["GIPCTransport"]),
        .library(name: "GIPCCodecs", targets: ["GIPCCodecs"]),
        .library(name: "GIPCActors", targets: ["GIPCActors"]),
        // `@MessagePackCodable`: generated MessagePack coders. Its own product, so that only its users build
        // swift-syntax.
        .library(name: "GIPCCodecMacros", targets: ["GIPCCodecMacros"]),
        // The durable job queue on PostgreSQL. Its own product, so that only its users build postgres-nio.
        .library(name: "GIPCQueue", targets: ["GIPCQueue"]),
        .executable(name: "gipc", targets: ["gipc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // HMAC for the socket handshake (MD5, SHA-256, SHA-384, SHA3-256, SHA3-384: CPython's five digests).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Only the `swift package generate-documentation` command (make docs); nothing here links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Only the @MessagePackCodable macro (GIPCCodecMacros) builds it.
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
        // Only the job queue (GIPCQueue) and the `gipc` tool build these: PostgreSQL, and the logger it takes.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // msgpack-c, found through pkg-config (Debian: libmsgpack-dev).
        .systemLibrary(
            name: "CMsgPack",
            path: "Sources/CMsgPack",
            pkgConfig: "msgpack",
            providers: [.apt(["libmsgpack-dev"]), .brew(["msgpack"])]
        ),
        // What Glibc does not expose: epoll, eventfd, pipe2, F_SETPIPE_SZ, pidfd, closefrom file actions.
        .target(name: "CGIPCSystem", path: "Sources/CSystem"),
        // The runtime that framing and process monitoring build on: the reactor, waiters, timers, the FIFO lock,
        // deadlines, dedicated threads. Package-level API only; its README says how a wait flows.
        .target(name: "GIPCRuntime", dependencies: ["CGIPCSystem"], path: "Sources/Runtime", exclude: ["README.md"]),
        .target(
            name: "GIPCTransport",
            dependencies: ["GIPCRuntime", "CGIPCSystem", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Transport"),
        .target(name: "GIPCCodecs", dependencies: ["CMsgPack"], path: "Sources/Codecs"),
        // The compiler plugin behind @MessagePackCodable, and the module that declares the macro.
        .macro(
            name: "GIPCCodecMacrosPlugin",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ],
            path: "Sources/CodecMacrosPlugin"
        ),
        .target(
            name: "GIPCCodecMacros", dependencies: ["GIPCCodecs", "GIPCCodecMacrosPlugin"], path: "Sources/CodecMacros"),
        .target(
            name: "GIPCKit",
            dependencies: ["GIPCRuntime", "GIPCTransport", "GIPCCodecs", "CGIPCSystem"],
            path: "Sources/GIPCKit"
        ),
        // Distributed actors hosted in child processes: a DistributedActorSystem over GIPCKit's children and pipes.
        .target(name: "GIPCActors", dependencies: ["GIPCKit"], path: "Sources/Actors"),
        // The durable job queue: jobs in PostgreSQL, leased by hosts that run them in a local ProcessPool.
        .target(
            name: "GIPCQueue",
            dependencies: [
                "GIPCKit", .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its connection pool's error type: a pool that keeps failing to connect throws it.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Queue"
        ),
        // The typed benchmark's record, shared by `gipc bench` and the codec speed tests (a test cannot import an
        // executable); also as a @MessagePackCodable twin, for the generated coders.
        .target(name: "GIPCBenchRecord", dependencies: ["GIPCCodecMacros", "GIPCCodecs"], path: "Sources/BenchRecord"),
        .executableTarget(
            name: "gipc",
            dependencies: [
                "GIPCKit", "GIPCActors", "GIPCBenchRecord", "GIPCQueue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/gipc"
        ),
        // `make profile-codec`: the benchmark record through each codec N times, run under callgrind (mk/profile.mk).
        .executableTarget(
            name: "gipc-codec-profile", dependencies: ["GIPCCodecs", "GIPCBenchRecord"], path: "Benchmarks/CodecProfile"
        ),
        .testTarget(name: "GIPCRuntimeTests", dependencies: ["GIPCRuntime"], path: "Tests/RuntimeTests"),
        .testTarget(
            name: "GIPCTransportTests",
            dependencies: ["GIPCTransport", "GIPCRuntime", "GIPCTestSupport"],
            path: "Tests/TransportTests"
        ),
        // Helpers shared by the test targets (raw pipes, descriptor counts, small files, the golden and hostile
        // fixtures, a seeded generator) and with the fuzz targets (the checks they make, built in by
        // scripts/build-fuzzers.sh).
        .target(name: "GIPCTestSupport", dependencies: ["GIPCTransport", "GIPCCodecs"], path: "Tests/TestSupport"),
        .testTarget(
            name: "GIPCCodecsTests", dependencies: ["GIPCCodecs", "GIPCBenchRecord", "GIPCTestSupport"],
            path: "Tests/CodecsTests"),
        .testTarget(
            name: "GIPCKitTests",
            dependencies: ["GIPCKit", "GIPCRuntime", "GIPCTestEntries", "GIPCTestSupport", "CGIPCSystem"],
            path: "Tests/GIPCKitTests"
        ),
        // The job queue's tests: a real PostgreSQL (`make test` starts one with scripts/pg-cluster.sh), real worker
        // hosts (`gipc worker`) and Python workers.
        .testTarget(
            name: "GIPCQueueTests", dependencies: ["GIPCQueue", "GIPCKit", "GIPCTestSupport"], path: "Tests/QueueTests"),
        // Entries that the GIPCKit tests start in children, and the program that hosts them: a `swift test`
        // runner cannot bootstrap entries itself. The tests import it @testable, for the memberwise initialisers of
        // the entries' arguments.
        .target(name: "GIPCTestEntries", dependencies: ["GIPCKit"], path: "Tests/TestEntries"),
        .executableTarget(
            name: "gipc-test-host",
            dependencies: ["GIPCKit", "GIPCTestEntries"],
            path: "Tests/TestHost"
        ),
        // The actor types (and entries) the GIPCActors tests start in children, the program that hosts them, and
        // the tests.
        .target(name: "GIPCActorsTestEntries", dependencies: ["GIPCActors"], path: "Tests/ActorsTestEntries"),
        .executableTarget(
            name: "gipc-actors-test-host", dependencies: ["GIPCActors", "GIPCActorsTestEntries"],
            path: "Tests/ActorsTestHost"),
        .testTarget(
            name: "GIPCActorsTests",
            dependencies: ["GIPCActors", "GIPCActorsTestEntries", "GIPCTestSupport"],
            path: "Tests/ActorsTests"
        ),
        // The README's example program, verbatim; a test checks that the README still shows this file and runs it.
        .executableTarget(name: "gipc-readme-example", dependencies: ["GIPCKit"], path: "Tests/ReadmeExample"),
        .executableTarget(
            name: "gipc-readme-pool-example", dependencies: ["GIPCKit"], path: "Tests/ReadmePoolExample"),
        .executableTarget(
            name: "gipc-readme-actor-example", dependencies: ["GIPCActors"], path: "Tests/ReadmeActorExample"),
        // The soak test (make soak): children echo checked messages while random children are killed.
        .executableTarget(name: "gipc-soak", dependencies: ["GIPCKit", "GIPCTestSupport"], path: "Tests/Soak"),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}

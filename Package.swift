// swift-tools-version: 6.0
import PackageDescription

// Data flows one way: text → PushSyntax (tokens, statements, checks) →
// PushScript (the interpreter runs each statement as a command, which returns
// a CommandResult) → PushAPI (the client) → a Transport (PushHTTP over the
// network, or PushSandbox in-process) → typed models → PushScript's Output/
// (TextRenderer, JSONRenderer, ErrorReport). Nothing below reaches back up.
//
// The client core declares the Transport protocol and links no HTTP client
// (only swift-http-types' method, status and fields); PushHTTP holds the
// AsyncHTTPClient transport, as OpenAPI's runtime keeps ClientTransport apart
// from its AsyncHTTPClient transport, so the sandbox links no HTTP client.
// The language links neither the simulator nor the HTTP client: PushScript
// declares the SandboxControls and the TransportFactory it needs;
// BuiltInSandbox fills the first with PushSandbox, HTTPConnections the second
// with PushHTTP's transport (PushHTTP knows nothing of the language), and the
// composition roots (pushsh, tests) link both. README.md's "Architecture"
// draws these arrows, and Tests/EndToEndTests/PackageGraphTests.swift keeps
// the two equal.
let package = Package(
    name: "pushsh",
    // pushsh is built and tested on Linux (Debian: libedit-dev for the shell).
    // This minimum is only what a Mac build would need (Synchronization's
    // Atomic); no Mac build is tested.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pushsh", targets: ["pushsh"]),
        .library(name: "PushAPI", targets: ["PushAPI"]),
        .library(name: "PushSandbox", targets: ["PushSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already under AsyncHTTPClient and Hummingbird; named because PushHTTP
        // and the server import their modules (event loops, TLS, compression).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // TOML for the profiles file (~/.config/pushsh/config.toml).
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // The client core: models, endpoints, the Transport protocol, retries, errors. No network library.
        .target(name: "PushAPI", dependencies: [.product(name: "HTTPTypes", package: "swift-http-types")]),
        // The HTTP(S) transport on AsyncHTTPClient: proxies, TLS trust, redirects, its errors sorted into causes.
        .target(
            name: "PushHTTP",
            dependencies: [
                "PushAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ]
        ),
        // The simulated service: state machine, clock, validation, faults,
        // the request router shared by the HTTP server and the in-process transport.
        .target(
            name: "PushSandbox",
            dependencies: [
                "PushAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The language's front end: lexer, parser, AST, diagnostics. No network.
        .target(name: "PushSyntax"),
        // `pushsh lsp`: a Language Server for .push files on the front end alone (no network).
        .target(name: "PushLanguageServer", dependencies: ["PushSyntax"]),
        // The language's run time: values, interpreter, commands, rendering.
        .target(
            name: "PushScript",
            dependencies: [
                "PushSyntax", "PushAPI", .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The built-in sandbox for the language: PushSandbox's simulator behind
        // PushScript's SandboxControls, in-process. The composition roots
        // (pushsh, tests) link it; the language and the shell do not.
        .target(name: "BuiltInSandbox", dependencies: ["PushScript", "PushSandbox", "PushAPI"]),
        // The network for the language: PushHTTP's transport behind PushScript's
        // TransportFactory. The composition roots link it; the language does not.
        .target(name: "HTTPConnections", dependencies: ["PushScript", "PushHTTP", "PushAPI"]),
        // libedit, for the shell's line editing (Debian: libedit-dev).
        .systemLibrary(
            name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // The interactive shell: line editing, history, completion, save.
        .target(
            name: "PushShell",
            dependencies: [
                "CEditLine", "PushScript", "PushSyntax", "PushAPI", .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            // The lessons of `learn` (data, not code) and their data files.
            resources: [.copy("Lessons")]),
        .executableTarget(
            name: "pushsh",
            dependencies: [
                "PushAPI", "PushSandbox", "PushSyntax", "PushScript", "BuiltInSandbox", "HTTPConnections", "PushShell",
                "PushLanguageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Helpers shared by the test targets (a live server on port 0, sample records).
        .target(name: "_PushTestSupport", dependencies: ["PushAPI", "PushHTTP", "PushSandbox", "PushScript", "BuiltInSandbox"]),
        .testTarget(
            name: "PushAPITests", dependencies: ["PushAPI", .product(name: "HTTPTypes", package: "swift-http-types")], exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PushHTTPTests",
            // AsyncHTTPClient (and the NIO modules under it): the transport's errors, built by hand.
            dependencies: [
                "PushHTTP", "PushAPI", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .testTarget(
            name: "PushSandboxTests",
            dependencies: [
                "PushSandbox", "PushAPI", "PushHTTP", "PushScript", "_PushTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // PushAPI only for its seeded generator (SplitMix64), so generated cases replay.
        .testTarget(name: "PushSyntaxTests", dependencies: ["PushSyntax", "PushAPI"]),
        .testTarget(name: "PushLanguageServerTests", dependencies: ["PushLanguageServer", "PushSyntax"]),
        .testTarget(
            name: "PushScriptTests",
            dependencies: [
                "PushScript", "PushSyntax", "PushSandbox", "PushAPI", "BuiltInSandbox", "HTTPConnections", "_PushTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .testTarget(
            name: "PushShellTests",
            dependencies: [
                "PushShell", "PushScript", "PushSyntax", "PushSandbox", "BuiltInSandbox", "HTTPConnections", "_PushTestSupport",
            ]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "pushsh", "PushAPI", "PushHTTP", "PushScript", "PushSandbox", "BuiltInSandbox", "_PushTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
    ]
)

// Each file imports what it uses: a member of a module only reached through
// another import does not count (SE-0444), so a file's imports are its real
// dependencies and moving code between targets shows what it needs.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}

// swift-tools-version: 6.0
import PackageDescription

// Shared by every Swift target: strict Swift 6 concurrency, and `any` spelled out for existentials.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "arogya",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arogya", targets: ["arogya"]),
        .executable(name: "arogya-bench", targets: ["arogya-bench"]),
        .executable(name: "arogya-hub", targets: ["arogya-hub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The curses shim: the only C surface of the terminal. See DECISIONS.md (2026-11-22, curses shim).
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // The build date, compiled from C so that a clock earlier than the build can be noticed.
        .target(name: "CBuildInfo"),

        // Domain values and rules. Imports neither the store nor curses.
        .target(
            name: "ArogyaCore",
            dependencies: [
                "CBuildInfo",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // ABDM's ABHA v3 wire: the calls and their bodies, the answers read defensively, the error shapes,
        // and RSA-OAEP-SHA1 for the fields ABDM wants encrypted. No network and no store.
        .target(
            name: "ArogyaABDM",
            dependencies: [
                "ArogyaCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Curve25519 in short-Weierstrass form over OpenSSL's libcrypto (BoringSSL takes no custom curve of
        // cofactor 8): the only C surface of Fidelius. See DECISIONS.md (Fidelius on OpenSSL).
        .target(
            name: "CFideliusCurve",
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        // ABDM's Fidelius encryption of health records for an HIU: keys, nonces, ECDH, HKDF, AES-GCM.
        .target(
            name: "ArogyaFidelius",
            dependencies: ["CFideliusCurve", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // A local stand-in for ABDM's gateway and ABHA APIs, for tests and for trying the flows: never a default.
        .target(
            name: "ArogyaABDMSimulator",
            dependencies: [
                "ArogyaCore", "ArogyaABDM", "ArogyaFidelius",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The offline store: GRDB over the system SQLite.
        .target(
            name: "ArogyaStore",
            dependencies: ["ArogyaCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // View-models, screens rendered into a Canvas, key tables. Knows nothing of curses.
        .target(
            name: "ArogyaUI",
            dependencies: ["ArogyaCore", "ArogyaStore", "ArogyaSync", "ArogyaABDM"],
            swiftSettings: strictSettings
        ),
        // The only importer of CNcursesw: starts and restores the terminal, reads keys, flushes a Canvas.
        .target(
            name: "ArogyaTerminal",
            dependencies: ["CNcursesw", "ArogyaUI"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "arogya",
            dependencies: [
                "ArogyaCore", "ArogyaStore", "ArogyaUI", "ArogyaTerminal", "ArogyaSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The terminal's side of sync: the hub client (AsyncHTTPClient, statically linked, so that nothing is
        // loaded for it at start), retries, the push-then-pull engine and the coordinator the screens watch.
        .target(
            name: "ArogyaSync",
            dependencies: [
                "ArogyaCore", "ArogyaStore", "ArogyaABDM",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The sync server: its stores (SQLite through GRDB, PostgreSQL through PostgresNIO), the sync API and
        // FHIR documents. Never linked into the terminal.
        .target(
            name: "ArogyaHub",
            dependencies: [
                "ArogyaCore", "ArogyaABDM", "ArogyaFidelius",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "arogya-hub",
            dependencies: [
                "ArogyaCore", "ArogyaHub", "ArogyaABDMSimulator", "ArogyaFidelius",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // C the benchmark needs: a pseudo-terminal (which Glibc's module map hides from Swift), line-buffered output.
        .target(name: "CPseudoTerminal"),
        .executableTarget(
            name: "arogya-bench",
            dependencies: [
                "ArogyaCore", "ArogyaStore", "ArogyaHub", "ArogyaTesting", "CPseudoTerminal", "ArogyaABDMSimulator", "ArogyaFidelius",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Starts another program with none of our descriptors open in it (tests and benchmarks).
        .target(name: "CSpawn"),
        // Shared by all test targets: snapshot assertion, fixtures, a tmux driver, a child-process runner.
        .target(
            name: "ArogyaTesting",
            dependencies: ["ArogyaCore", "ArogyaStore", "ArogyaUI", "ArogyaSync", "CSpawn", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),

        .testTarget(name: "ArogyaCoreTests", dependencies: ["ArogyaCore", "ArogyaTesting"]),
        .testTarget(
            name: "ArogyaABDMTests",
            dependencies: ["ArogyaABDM", "ArogyaABDMSimulator", "ArogyaFidelius", "ArogyaTesting",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")]
        ),
        .testTarget(name: "ArogyaStoreTests", dependencies: ["ArogyaStore", "ArogyaTesting", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "ArogyaUITests",
            dependencies: ["ArogyaUI", "ArogyaSync", "ArogyaTesting", "ArogyaHub", "ArogyaABDMSimulator",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            exclude: ["Snapshots"]
        ),
        .testTarget(name: "ArogyaTerminalTests", dependencies: ["ArogyaTerminal", "CNcursesw", "ArogyaTesting"]),
        .testTarget(name: "ArogyaEndToEndTests", dependencies: ["ArogyaTesting", "ArogyaCore", "arogya", "arogya-hub", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "ArogyaHubTests",
            dependencies: [
                "ArogyaHub", "ArogyaCore", "ArogyaStore", "ArogyaSync", "ArogyaTesting", "ArogyaABDM", "ArogyaABDMSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
    ]
)

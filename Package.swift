// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "corridor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "corridor", targets: ["corridor"]),
        .library(name: "CorridorDomain", targets: ["CorridorDomain"]),
        .library(name: "CorridorRules", targets: ["CorridorRules"]),
        .library(name: "CorridorStore", targets: ["CorridorStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // Pure core: value types, the record vocabulary, validation, the state reducer.
        .target(name: "CorridorDomain", swiftSettings: swiftSettings),
        // Gates and policy profiles: pure functions over domain facts.
        .target(name: "CorridorRules", dependencies: ["CorridorDomain"], resources: [.copy("Resources")], swiftSettings: swiftSettings),
        // The network simulator (docs/simulation.md): depends on the core only.
        .target(name: "CorridorSimulation", dependencies: ["CorridorDomain", "CorridorRules"], resources: [.copy("Resources")], swiftSettings: swiftSettings),
        // The EventStore seam, the hash chain and the in-memory implementation.
        .target(
            name: "CorridorStore",
            dependencies: [
                "CorridorDomain", "CorridorRules",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // SQLite (GRDB) implementation of the EventStore.
        .target(
            name: "CorridorSQLite",
            dependencies: [
                "CorridorDomain", "CorridorStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),  // WALCheckpointer runs as a Service
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL (PostgresNIO) implementation of the EventStore, for several instances on one
        // database. Beside CorridorSQLite: neither knows the other, and nothing inward knows either.
        .target(
            name: "CorridorPostgres",
            dependencies: [
                "CorridorDomain", "CorridorRules", "CorridorStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),  // TLS as the URL's sslmode asks
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Application services: the use cases (check, eligible, impact, compare) over a store.
        .target(
            name: "CorridorServices",
            dependencies: ["CorridorDomain", "CorridorRules", "CorridorStore"],
            swiftSettings: swiftSettings
        ),
        // HTTP server (Hummingbird 2).
        .target(
            name: "CorridorWeb",
            dependencies: [
                "CorridorDomain", "CorridorRules", "CorridorStore", "CorridorServices", "CorridorSimulation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),  // webhook deliveries
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // Command-line interface: one root command, one file per subcommand.
        .target(
            name: "CorridorCLI",
            dependencies: [
                "CorridorDomain", "CorridorRules", "CorridorStore", "CorridorSQLite", "CorridorPostgres", "CorridorServices", "CorridorWeb",
                "CorridorSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "corridor", dependencies: ["CorridorCLI"], swiftSettings: swiftSettings),
        // Test support, one target per backend, so a test target links only the stores it tests.
        .target(name: "CorridorTestSupport", dependencies: ["CorridorDomain", "CorridorStore"], swiftSettings: swiftSettings),
        .target(
            name: "CorridorSQLiteTestSupport",
            dependencies: [
                "CorridorStore", "CorridorSQLite", "CorridorTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),  // SQLiteFaults drives the store's connection
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CorridorPostgresTestSupport",
            dependencies: [
                "CorridorStore", "CorridorPostgres", "CorridorTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),  // schemas made and dropped per test, tampering
            ],
            swiftSettings: swiftSettings
        ),
        // Every backend the contract suites run on (in memory, SQLite, PostgreSQL when configured).
        .target(
            name: "CorridorStoreBackends",
            dependencies: ["CorridorStore", "CorridorSQLiteTestSupport", "CorridorPostgresTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CorridorWebTests",
            dependencies: [
                "CorridorWeb", "CorridorDomain", "CorridorStore", "CorridorSQLite", "CorridorServices", "CorridorTestSupport",
                "CorridorSQLiteTestSupport", "CorridorPostgres", "CorridorPostgresTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),  // the outage test stops its database
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),  // webhook signatures recomputed independently
            ]
        ),
        .testTarget(name: "CorridorSimulationTests", dependencies: ["CorridorSimulation", "CorridorDomain"]),
        .testTarget(
            name: "CorridorServicesTests",
            dependencies: [
                "CorridorDomain", "CorridorRules", "CorridorStore", "CorridorSQLite", "CorridorServices", "CorridorTestSupport",
                "CorridorSQLiteTestSupport", "CorridorPostgres", "CorridorPostgresTestSupport", "CorridorStoreBackends",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "CorridorRulesTests",
            dependencies: ["CorridorDomain", "CorridorRules", "CorridorStore", "CorridorServices", "CorridorTestSupport"],
            resources: [.copy("LegalCases")]
        ),
        .testTarget(name: "CorridorDomainTests", dependencies: ["CorridorDomain", "CorridorTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "CorridorStoreTests",
            dependencies: [
                "CorridorStore", "CorridorSQLite", "CorridorTestSupport", "CorridorSQLiteTestSupport",
                "CorridorPostgres", "CorridorPostgresTestSupport", "CorridorStoreBackends",
                .product(name: "PostgresNIO", package: "postgres-nio"),  // tamper tests write to the database directly
                .product(name: "GRDB", package: "GRDB.swift"),  // tamper and trigger tests open the file directly
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)

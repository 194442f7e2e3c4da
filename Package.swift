// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "reportwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reportwatch", targets: ["reportwatch"]),
        // For the fuzz package in Fuzz/, which depends on this one by path; nothing else uses it.
        .library(name: "ReportWatchFuzzable", targets: ["ReportWatchCore", "ReportWatchExtract", "ReportWatchAlerts", "ReportWatchDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries: module maps and typed shims only. Each is imported by exactly one module.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        .target(
            name: "ReportWatchCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ReportWatchFetch",
            dependencies: [
                "CCurl",
                "ReportWatchCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ReportWatchExtract",
            dependencies: [
                "CLibXML2",
                "ReportWatchCore",
            ]
        ),
        .target(
            name: "ReportWatchStore",
            dependencies: [
                "ReportWatchCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "ReportWatchAlerts",
            dependencies: [
                "ReportWatchCore",
                "ReportWatchFetch",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ReportWatchDaemon",
            dependencies: [
                "ReportWatchCore",
                "ReportWatchFetch",
                "ReportWatchExtract",
                "ReportWatchStore",
                "ReportWatchAlerts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // For its libyaml (`CYaml`): the config is composed from libyaml's events
                // (`YAMLNode`), without Yams' node tree.
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "reportwatch",
            dependencies: [
                "ReportWatchDaemon",
                "ReportWatchCore",
                "ReportWatchStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // jemalloc instead of glibc's malloc: libxml2 builds and frees a tree of small
            // allocations for every page, and jemalloc does that for a quarter less CPU in a
            // cold pass (make bench), with memory as flat.
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),

        .target(
            name: "ReportWatchTestSupport",
            dependencies: ["ReportWatchCore"],
            path: "Tests/ReportWatchTestSupport"
        ),
        .testTarget(
            name: "ReportWatchCoreTests",
            dependencies: ["ReportWatchCore"]
        ),
        .testTarget(
            name: "ReportWatchFetchTests",
            dependencies: ["ReportWatchFetch", "ReportWatchTestSupport"]
        ),
        .testTarget(
            name: "ReportWatchExtractTests",
            dependencies: ["ReportWatchExtract", "ReportWatchTestSupport"]
        ),
        .testTarget(
            name: "ReportWatchStoreTests",
            dependencies: ["ReportWatchStore", "ReportWatchTestSupport"]
        ),
        .testTarget(name: "ReportWatchAlertsTests", dependencies: ["ReportWatchAlerts", "ReportWatchTestSupport"], exclude: ["peers"]),
        .testTarget(
            name: "ReportWatchDaemonTests",
            dependencies: [
                "ReportWatchDaemon", "ReportWatchTestSupport",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            exclude: ["ExpectedFindings"]
        ),
    ]
)

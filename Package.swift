// swift-tools-version: 6.0
import PackageDescription

/// Release builds of permsite's own modules are optimised across modules: the compiler may
/// inline and specialise one module's functions in another (the site renders through Model,
/// Analysis and TemplateEngine code at every row). A nightly build of the 20,000-principal
/// benchmark ran 1.3 % fewer instructions (`scripts/instructions`). Optimising at the link as
/// well (`-lto=llvm-full`) saved 3 % more when every module and dependency was compiled for it
/// (`swift build --experimental-lto-mode=full`), but set per module it fails to link: objects
/// compiled for it carry no autolink entries, and symbols that cross-module optimisation lets
/// other modules call went missing. Debug builds, which the tests use, are left as they are.
let releaseOptimisation: [SwiftSetting] = [
  .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))
]

let package = Package(
  name: "permsite",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "permsite", targets: ["permsite"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    // Value types shared by every stage; no I/O.
    .target(name: "Model", swiftSettings: releaseOptimisation),
    // The only user of libcmark.
    .systemLibrary(
      name: "CCmark",
      pkgConfig: "libcmark",
      providers: [.apt(["libcmark-dev"])]
    ),
    .target(name: "Markdown", dependencies: ["CCmark", "Model"], swiftSettings: releaseOptimisation),
    // Reading a site folder: configuration, snapshots, procedures, reviews.
    .target(
      name: "Ingest",
      dependencies: ["Model", "Markdown", "CByteScan", .product(name: "Yams", package: "Yams")],
      swiftSettings: releaseOptimisation
    ),
    // The SQLite store of snapshot history.
    .target(
      name: "History",
      dependencies: [
        "Model", .product(name: "GRDB", package: "GRDB.swift"),
        // SQLite's C API, to bind and read values without boxing them (GRDB's own dependency).
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ],
      swiftSettings: releaseOptimisation
    ),
    // Metrics computed from the timeline.
    .target(name: "Analysis", dependencies: ["Model"], swiftSettings: releaseOptimisation),
    // Data to SVG.
    .target(name: "Charts", swiftSettings: releaseOptimisation),
    // Page models, rendering and writing the output folder.
    .target(
      name: "Site",
      dependencies: [
        "Model", "Analysis", "Markdown", "Charts",
        "TemplateEngine", "CPageCache",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: releaseOptimisation
    ),
    // A synthetic organisation in the real AWS CLI shapes, for the demo, tests and benchmarks.
    .target(name: "Sample", dependencies: ["Model"], swiftSettings: releaseOptimisation),
    // The commands and the build pipeline as named steps; `permsite` is a thin main over it.
    .target(
      name: "PermsiteKit",
      dependencies: [
        "Model", "Ingest", "History", "Analysis", "Site", "Sample",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: releaseOptimisation
    ),
    .executableTarget(
      name: "permsite", dependencies: ["PermsiteKit"], swiftSettings: releaseOptimisation),
    // Byte searches sixteen bytes at a time, in C with SSE2 (a plain loop elsewhere).
    .target(name: "CByteScan"),
    // Whether a file's pages are in the page cache (Linux's `cachestat`, which Swift cannot call).
    .target(name: "CPageCache"),
    // A compiled Mustache renderer over typed contexts, writing UTF-8 bytes.
    .target(name: "TemplateEngine", dependencies: ["CByteScan"], swiftSettings: releaseOptimisation),
    // Pages per second for a realistic page: `swift build -c release --product TemplateEngineBench`.
    .executableTarget(
      name: "TemplateEngineBench", dependencies: ["TemplateEngine"], swiftSettings: releaseOptimisation),
    // Times reading one snapshot folder: `swift build -c release --product IngestBench`.
    .executableTarget(
      name: "IngestBench", dependencies: ["Ingest", "Model"], swiftSettings: releaseOptimisation),
    // Times the history store at the size of a large organisation (issue "Scale").
    .executableTarget(
      name: "HistoryBench", dependencies: ["History", "Model"], swiftSettings: releaseOptimisation),
    .testTarget(name: "ModelTests", dependencies: ["Model"]),
    .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
    .testTarget(name: "IngestTests", dependencies: ["Ingest", "Model"], resources: [.copy("Fixtures")]),
    // main's History module as it was when it wrote schema v4 stores, frozen, so tests can write
    // such a store and convert it (see Tests/HistoryV4/Frozen.swift).
    .target(
      name: "HistoryV4",
      dependencies: [
        "Model", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ],
      path: "Tests/HistoryV4"
    ),
    .testTarget(
      name: "HistoryTests",
      dependencies: ["History", "HistoryV4", "Model", .product(name: "GRDB", package: "GRDB.swift")]),
    .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Model"]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts"], resources: [.copy("Golden")]),
    .testTarget(
      name: "SiteTests", dependencies: ["Site", "Analysis", "Model", "TemplateEngine", "CPageCache"],
      exclude: ["Golden"]),
    .testTarget(name: "SampleTests", dependencies: ["Sample", "Model"]),
    .testTarget(name: "TemplateEngineTests", dependencies: ["TemplateEngine"], resources: [.copy("Spec")]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "PermsiteKit", "Ingest", "History", "Analysis", "Site", "Sample", "Model",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)

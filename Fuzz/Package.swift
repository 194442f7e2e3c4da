// swift-tools-version: 6.0
// Fuzz targets for reportwatch's parsers of hostile input, as a package of their own so the
// main package and CI's `swift build` are untouched. Build and run with `make fuzz` (see
// README.md there); each target is an executable whose main hands libFuzzer the function that
// takes one input.
import PackageDescription

/// One executable per fuzz target; each reads one kind of hostile input.
let fuzzTargets = [
    "FuzzHTMLItems",       // the html kind's XPath item extraction (HTMLItemExtractor)
    "FuzzReportFindings",  // pdftotext output → Ofsted findings (OfstedReportParser.parse(text:))
    "FuzzModernGov",       // ModernGov meeting lists and meeting pages (ModernGovParser)
    "FuzzConfig",          // the YAML config loader (Configuration.parse)
    "FuzzOfstedPages",     // Ofsted provider pages and search results (OfstedProviderPage, OfstedSearchPage)
    "FuzzFeed",            // RSS and Atom (FeedParser)
    "FuzzGovUK",           // GOV.UK Search and Content API JSON (GovUKSearchParser, GovUKContentParser)
    "FuzzText",            // page text to people: Text.normalise, every escaper, the Atom feed's well-formedness
]

let package = Package(
    name: "reportwatch-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        // `name:` so the product below can name it whatever the checkout's folder is called.
        .package(name: "reportwatch", path: ".."),
    ],
    targets: [
        // Declares libFuzzer's driver entry point, which each target's main calls.
        .target(name: "FuzzSupport"),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzSupport",
                .product(name: "ReportWatchFuzzable", package: "reportwatch"),
            ]
        )
    }
)

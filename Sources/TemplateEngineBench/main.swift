// Renders a realistic page (a layout around a team page: cards and a 50-row table of typed
// rows) many times on one core and prints pages/s and MB/s. A measurement, not a test.
//
//   swift build -c release --product TemplateEngineBench
//   .build/release/TemplateEngineBench [pages] [--no-write]

import Foundation
import TemplateEngine

struct NavigationItem: KeyedTemplateContext {
  var label: String
  var href: String
  var isCurrent: Bool

  enum TemplateKey: String, TemplateKeys {
    case label, href, isCurrent
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .label: .string(label)
    case .href: .string(href)
    case .isCurrent: .bool(isCurrent)
    }
  }
}

struct Card: KeyedTemplateContext {
  var label: String
  var value: String
  var detail: String?

  enum TemplateKey: String, TemplateKeys {
    case label, value, hasDetail, detail
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .label: .string(label)
    case .value: .string(value)
    case .hasDetail: .bool(detail != nil)
    case .detail: .optional(detail)
    }
  }
}

struct PrincipalRow: KeyedTemplateContext {
  var name: String
  var href: String
  var kind: String
  var team: String
  var unused: Int
  var removed: Int
  var rate: String
  var lastUsed: String
  var isOverdue: Bool
  var services: [String]

  enum TemplateKey: String, TemplateKeys {
    case name, href, kind, team, unused, removed, rate, lastUsed, isOverdue, services
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(name)
    case .href: .string(href)
    case .kind: .string(kind)
    case .team: .string(team)
    case .unused: .int(unused)
    case .removed: .int(removed)
    case .rate: .string(rate)
    case .lastUsed: .string(lastUsed)
    case .isOverdue: .bool(isOverdue)
    case .services: .list(services)
    }
  }
}

struct TeamPage: KeyedTemplateContext {
  var pageTitle: String
  var siteTitle: String
  var root: String
  var navigation: [NavigationItem]
  var cards: [Card]
  var rows: [PrincipalRow]
  var snapshot: String
  var generated: String

  enum TemplateKey: String, TemplateKeys {
    case pageTitle, siteTitle, root, navigation, cards, rows, hasRows, snapshot, hasSnapshot, generated
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .pageTitle: .string(pageTitle)
    case .siteTitle: .string(siteTitle)
    case .root: .string(root)
    case .navigation: .list(navigation)
    case .cards: .list(cards)
    case .rows: .list(rows)
    case .hasRows: .bool(!rows.isEmpty)
    case .snapshot: .string(snapshot)
    case .hasSnapshot: .bool(true)
    case .generated: .string(generated)
    }
  }
}

let layout = """
  <!DOCTYPE html>
  <html lang="en">
  <head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{pageTitle}} · {{siteTitle}}</title>
  <link rel="stylesheet" href="{{root}}assets/site.css">
  </head>
  <body>
  <a class="skip-link" href="#main">Skip to content</a>
  <header class="site-header">
    <div class="wrap">
      <a class="site-title" href="{{root}}index.html">{{siteTitle}}</a>
      <nav aria-label="Site">
        <ul>
          {{#navigation}}
          <li><a href="{{root}}{{href}}"{{#isCurrent}} aria-current="page"{{/isCurrent}}>{{label}}</a></li>
          {{/navigation}}
        </ul>
      </nav>
    </div>
  </header>
  <main id="main" class="wrap">
  {{>team}}
  </main>
  <footer class="site-footer">
    <div class="wrap">
      <p>{{#hasSnapshot}}Data as of the snapshot of <time datetime="{{snapshot}}">{{snapshot}}</time>. {{/hasSnapshot}}Generated {{generated}} by permsite.</p>
      <p>Following AWS Well-Architected SEC03-BP04, “Reduce permissions continuously”.</p>
    </div>
  </footer>
  </body>
  </html>

  """

let team = """
  <h1>{{pageTitle}}</h1>
  <p class="lede">Snapshot of <strong>{{snapshot}}</strong>.</p>
  <section aria-labelledby="overall">
    <h2 id="overall">Overall</h2>
    {{>partials/cards}}
  </section>
  <section aria-labelledby="principals">
    <h2 id="principals">Principals</h2>
    {{#hasRows}}
    <div class="table-scroll">
    <table class="numbers principals">
      <caption class="visually-hidden">Principals of {{pageTitle}}</caption>
      <thead>
        <tr><th scope="col">Principal</th><th scope="col">Kind</th><th scope="col">Team</th><th scope="col">Unused</th><th scope="col">Removed</th><th scope="col">Rate</th><th scope="col">Last used</th><th scope="col">Services</th></tr>
      </thead>
      <tbody>
        {{#rows}}
        <tr{{#isOverdue}} class="overdue"{{/isOverdue}}>
          <th scope="row"><a href="{{root}}{{href}}">{{name}}</a></th>
          <td>{{kind}}</td>
          <td>{{team}}</td>
          <td>{{unused}}</td>
          <td>{{removed}}</td>
          <td>{{rate}}</td>
          <td><time datetime="{{lastUsed}}">{{lastUsed}}</time></td>
          <td>{{#services}}<code>{{.}}</code> {{/services}}</td>
        </tr>
        {{/rows}}
      </tbody>
    </table>
    </div>
    {{/hasRows}}
    {{^hasRows}}<p class="muted">No principals.</p>{{/hasRows}}
  </section>

  """

let cards = """
  <ul class="cards">
    {{#cards}}
    <li class="card">
      <span class="card-label">{{label}}</span>
      <span class="card-value">{{value}}</span>
      {{#hasDetail}}<span class="card-detail">{{detail}}</span>{{/hasDetail}}
    </li>
    {{/cards}}
  </ul>

  """

func samplePage() -> TeamPage {
  let kinds = ["role", "user", "group"]
  let services = ["s3", "ec2", "iam", "kms", "lambda", "dynamodb"]
  let rows = (0..<50).map { index in
    PrincipalRow(
      name: index % 7 == 0 ? "O'Brien & Sons <deploy-\(index)>" : "payments-service-role-\(index)",
      href: "principals/arn-aws-iam-123456789012-role-payments-\(index).html",
      kind: kinds[index % kinds.count],
      team: "Payments",
      unused: index * 3 + 1,
      removed: index,
      rate: "\(index * 2 % 100)%",
      lastUsed: "2026-03-\(10 + index % 18)",
      isOverdue: index % 5 == 0,
      services: Array(services.prefix(1 + index % 3)))
  }
  return TeamPage(
    pageTitle: "Team Payments", siteTitle: "Unused access", root: "../../",
    navigation: ["Dashboard", "Teams", "Principals", "Checklists", "Procedure", "Feed"].map {
      NavigationItem(label: $0, href: $0.lowercased() + ".html", isCurrent: $0 == "Teams")
    },
    cards: (0..<6).map {
      Card(label: "Card \($0)", value: "\($0 * 17)", detail: $0 % 2 == 0 ? "of 120" : nil)
    },
    rows: rows, snapshot: "2026-03-31", generated: "2026-04-01 06:00 UTC")
}

/// CPU time of this thread, in seconds: on a shared machine, wall time also counts the time
/// other processes held the core.
func threadCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func measure(_ label: String, pages: Int, bytesPerPage: Int, _ body: () throws -> Void) rethrows {
  let clock = ContinuousClock()
  let cpuStart = threadCPUSeconds()
  let elapsed = try clock.measure {
    for _ in 0..<pages { try body() }
  }
  let cpuSeconds = threadCPUSeconds() - cpuStart
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  func rates(_ seconds: Double) -> String {
    let pagesPerSecond = Double(pages) / seconds
    let megabytesPerSecond = pagesPerSecond * Double(bytesPerPage) / 1_000_000
    return "\(Int(pagesPerSecond)) pages/s, \(String(format: "%.0f", megabytesPerSecond)) MB/s"
  }
  print("\(label): \(pages) pages")
  print("  wall time \(String(format: "%.3f", seconds)) s: \(rates(seconds))")
  print("  CPU time  \(String(format: "%.3f", cpuSeconds)) s: \(rates(cpuSeconds))")
}

let pages = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000
let library = try TemplateLibrary(templates: ["layout": layout, "team": team, "partials/cards": cards])
let page = samplePage()
var output = TemplateOutput()
try library.render("layout", with: page, into: &output)
let pageSize = output.count
print("page: \(pageSize) bytes")

try measure("render into a reused TemplateOutput", pages: pages, bytesPerPage: pageSize) {
  output.removeAll()
  try library.render("layout", with: page, into: &output)
}
let cache = TemplateLookupCache(for: library)
try measure(
  "render into a reused TemplateOutput, names looked up through a kept cache", pages: pages,
  bytesPerPage: pageSize
) {
  output.removeAll()
  try library.render("layout", with: page, into: &output, cache: cache)
}
try measure("render into a new [UInt8] each page", pages: pages, bytesPerPage: pageSize) {
  var bytes: [UInt8] = []
  try library.render("layout", with: page, into: &bytes)
}

if CommandLine.arguments.contains("--no-write") {
  exit(0)
}
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("TemplateEngineBench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let written = min(pages, 2_000)
var fileNumber = 0
try measure("render and write a file each page", pages: written, bytesPerPage: pageSize) {
  output.removeAll()
  try library.render("layout", with: page, into: &output)
  fileNumber += 1
  try output.withUnsafeBytes {
    try Data($0).write(to: folder.appendingPathComponent("page-\(fileNumber).html"))
  }
}

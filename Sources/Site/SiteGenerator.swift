import Analysis
import Dispatch
import Foundation
import Markdown
import Model
import Synchronization
import TemplateEngine

/// A review procedure to render, as read from `content/procedures/NAME.md`.
public struct ProcedureSource: Sendable {
  /// The file name without `.md`.
  public var name: String
  /// The output slug (unique among procedures).
  public var slug: String
  /// The page title.
  public var title: String
  /// The parsed Markdown.
  public var document: MarkdownDocument
  /// Whether teams work through it as a quarterly checklist.
  public var isQuarterlyChecklist: Bool

  /// A procedure with every field given; the slug is derived from the name.
  public init(name: String, title: String, document: MarkdownDocument, isQuarterlyChecklist: Bool) {
    self.name = name
    self.slug = Slug.make(name, fallback: "procedure")
    self.title = title
    self.document = document
    self.isQuarterlyChecklist = isQuarterlyChecklist
  }
}

/// Everything a site is generated from.
public struct SiteInput: Sendable {
  /// `site.yml`.
  public var config: SiteConfig
  /// The analysis.
  public var report: OrganisationReport
  /// Procedures to render.
  public var procedures: [ProcedureSource]
  /// When the build ran (from `SOURCE_DATE_EPOCH` when set), shown in page footers.
  public var generatedAt: Timestamp

  /// An input with every field given.
  public init(
    config: SiteConfig, report: OrganisationReport, procedures: [ProcedureSource], generatedAt: Timestamp
  ) {
    self.config = config
    self.report = report
    self.procedures = procedures
    self.generatedAt = generatedAt
  }
}

/// One file of the generated site.
public struct OutputFile: Sendable, Hashable {
  /// The path below the output folder, `/`-separated, never absolute and never with `..`.
  public var path: String
  /// The bytes to write.
  public var contents: [UInt8]

  /// A file from text.
  public init(path: String, text: String) {
    self.path = path
    self.contents = Array(text.utf8)
  }

  /// A file from bytes.
  public init(path: String, contents: [UInt8]) {
    self.path = path
    self.contents = contents
  }
}

/// Receives the generated files one by one; it may be called from several threads at once.
public protocol OutputSink: Sendable {
  /// Takes one file of the site.
  func write(_ file: OutputFile) throws

  /// Takes one file of the site given as bytes it may read only during the call: pages rendered
  /// into a buffer that the next page reuses.
  func write(path: String, contents: UnsafeRawBufferPointer) throws
}

extension OutputSink {
  /// Copies the bytes into an `OutputFile` for `write(_:)`.
  public func write(path: String, contents: UnsafeRawBufferPointer) throws {
    try write(OutputFile(path: path, contents: Array(contents)))
  }
}

/// Keeps the files in memory, for tests and callers that want them all at once.
final class FileCollector: OutputSink, @unchecked Sendable {
  private let lock = NSLock()
  private var collected: [OutputFile] = []

  func write(_ file: OutputFile) throws {
    lock.lock()
    collected.append(file)
    lock.unlock()
  }

  /// Every file taken, by path.
  var files: [OutputFile] {
    lock.lock()
    defer { lock.unlock() }
    return collected.sorted { $0.path < $1.path }
  }
}

/// Renders page models to HTML: the one place that knows which template engine is used.
struct PageRenderer: Sendable {
  let theme: Theme
  /// The scratches pages are rendered in, handed from one render or job to the next.
  let scratches: RenderScratchPool

  init(theme: Theme) {
    self.theme = theme
    scratches = RenderScratchPool(theme: theme)
  }

  /// The page's own template rendered, then wrapped in the layout built around it, in a scratch
  /// from the pool.
  func render(
    template: String, model: consuming some TemplateContext, page: String,
    layout: (BorrowedBytes) -> LayoutModel
  ) throws -> [UInt8] {
    // Taken and given back by hand rather than through `withScratch`: the model is consumed,
    // which a closure cannot do with what it captures.
    let scratch = scratches.take()
    defer { scratches.giveBack(scratch) }
    try render(template: template, model: model, page: page, in: scratch, layout: layout)
    return scratch.output.bytes
  }

  /// Renders the page into `scratch.output`, where it stays until the next render in `scratch`.
  func render(
    template: String, model: consuming some TemplateContext, page: String, in scratch: RenderScratch,
    layout: (BorrowedBytes) -> LayoutModel
  ) throws {
    do {
      // The body is rendered into a buffer of its own, which the layout reads in place while it
      // renders into the other: copying each body into an array for the layout's model was a
      // pass over most bytes of the site.
      scratch.body.removeAll()
      try theme.library.render(template, with: model, into: &scratch.body, cache: scratch.lookups)
      scratch.output.removeAll()
      try scratch.body.withUnsafeBytes { body in
        try theme.library.render(
          "layout", with: layout(BorrowedBytes(body)), into: &scratch.output, cache: scratch.lookups)
      }
    } catch let error as TemplateError {
      throw SiteError.renderFailed(page: page, reason: "\(error)")
    }
  }
}

/// What the pages of one job reuse: a render buffer (allocating and freeing tens of kilobytes for
/// each of a hundred thousand pages kept the allocator busy merging free memory) and what the
/// template engine learnt about looking names up.
///
/// Its buffers are not checked for overlapping access at run time: one job uses them on one
/// thread, writing one while reading the other at most.
final class RenderScratch {
  @exclusivity(unchecked) var output = TemplateOutput(capacity: 32_768)
  /// A page's body, rendered before its layout, which reads it from here.
  @exclusivity(unchecked) var body = TemplateOutput(capacity: 32_768)
  let lookups: TemplateLookupCache
  /// The recommendations made so far by the principal pages rendered in this scratch.
  let recommendations = RecommendationTexts()

  init(for theme: Theme) {
    lookups = TemplateLookupCache(for: theme.library)
  }
}

/// The render scratches of one site's jobs, handed from job to job: what a scratch learnt (above
/// all the recommendations its principal pages made, which recur across teams) serves the next
/// job instead of being made again. There are never more than the jobs running at once.
final class RenderScratchPool: Sendable {
  private let theme: Theme
  /// Scratches between jobs. Each is used by one job at a time, on that job's thread.
  private let idle = Mutex<[UncheckedScratch]>([])

  private struct UncheckedScratch: @unchecked Sendable {
    let scratch: RenderScratch
  }

  init(theme: Theme) {
    self.theme = theme
  }

  /// A scratch no other job is using, until it is given back.
  func take() -> RenderScratch {
    idle.withLock { $0.popLast()?.scratch } ?? RenderScratch(for: theme)
  }

  /// Returns a scratch from `take()` to the pool, for the next job.
  func giveBack(_ scratch: RenderScratch) {
    idle.withLock { $0.append(UncheckedScratch(scratch: scratch)) }
  }

  /// Calls `body` with a scratch no other job is using, which goes back to the pool afterwards.
  func withScratch<Result>(_ body: (RenderScratch) throws -> Result) rethrows -> Result {
    let scratch = take()
    defer { giveBack(scratch) }
    return try body(scratch)
  }
}

/// Generates every file of the site from the analysis; writes nothing itself.
public struct SiteGenerator: Sendable {
  private let theme: Theme

  /// A generator using the given theme.
  public init(theme: Theme) {
    self.theme = theme
  }

  /// Every output file, by path.
  public func files(for input: SiteInput) throws -> [OutputFile] {
    let collector = FileCollector()
    try generate(for: input, into: collector)
    return collector.files
  }

  /// Renders the whole site into `sink`, on all cores: pages are handed over as soon as each is
  /// rendered, so the site never has to fit in memory at once. Throws the first failure in page
  /// order, whatever the order in which the cores met it.
  public func generate(for input: SiteInput, into sink: some OutputSink) throws {
    let site = SiteRendering(input: input, theme: theme)
    let jobs = site.jobs()
    try ConcurrentJobs.run(count: jobs.count) { index in
      try site.write(jobs[index], into: sink)
    }
  }
}

/// A share of the site that one core renders at a time.
enum RenderJob: Sendable {
  case dashboard
  /// A team's page, list pages, checklists, exports and feed.
  case team(Int)
  /// Principal pages of one team, by their index in the team's report.
  case principalPages(team: Int, range: Range<Int>)
  /// The quarter overviews, procedures, summary, organisation feed, charts and assets.
  case organisation
}

/// Everything needed to render any page of one site; shared, read-only, by the rendering cores.
struct SiteRendering: Sendable {
  let input: SiteInput
  let procedures: [ProcedureSource]
  let builder: PageBuilder
  let renderer: PageRenderer
  let layout: LayoutFactory

  /// Principal pages rendered together: enough to keep a core busy, small enough to share the work.
  static let principalPagesPerJob = 200

  init(input: SiteInput, theme: Theme) {
    self.input = input
    self.procedures = SiteGenerator.uniqueSlugs(input.procedures)
    self.builder = PageBuilder(report: input.report, procedures: procedures)
    self.renderer = PageRenderer(theme: theme)
    self.layout = LayoutFactory(input: input)
  }

  /// The jobs that together make the site; principal pages are split so both cores share them.
  func jobs() -> [RenderJob] {
    var jobs: [RenderJob] = [.dashboard, .organisation]
    for (index, team) in input.report.teams.enumerated() {
      jobs.append(.team(index))
      for start in stride(from: 0, to: team.principals.count, by: Self.principalPagesPerJob) {
        jobs.append(
          .principalPages(
            team: index, range: start..<min(team.principals.count, start + Self.principalPagesPerJob)))
      }
    }
    return jobs
  }

  /// Renders the files of `job` into `sink`.
  func write(_ job: RenderJob, into sink: some OutputSink) throws {
    let files: [OutputFile]
    switch job {
    case .dashboard: files = [try dashboard()]
    case .team(let index): files = try teamFiles(input.report.teams[index], exportsInto: sink)
    case .organisation: files = try organisationFiles()
    case .principalPages(let index, let range):
      try writePrincipalPages(ofTeam: index, range, into: sink)
      return
    }
    for file in files { try sink.write(file) }
  }

  /// Principal pages are handed over straight from the buffer they were rendered in: copying
  /// each into a file of its own allocated and freed a page-sized block for each of a hundred
  /// thousand pages.
  private func writePrincipalPages(ofTeam index: Int, _ range: Range<Int>, into sink: some OutputSink) throws
  {
    let team = input.report.teams[index]
    // A scratch from the jobs before: a job's own table of recommendations made the sentence
    // again for a sixth of the items, the actions new to its two hundred principals.
    try renderer.scratches.withScratch { scratch in
      try writePrincipalPages(of: team, range, in: scratch, into: sink)
    }
  }

  private func writePrincipalPages(
    of team: TeamReport, _ range: Range<Int>, in scratch: RenderScratch, into sink: some OutputSink
  ) throws {
    // Read where they are stored: iterating the reports copied each, retaining every string of
    // its principal and the arrays of its items.
    try team.principals.withUnsafeBufferPointer { reports in
      for position in range {
        let report = reports.baseAddress! + position
        guard let path = builder.paths.principalPage(report.pointee.principal.arn) else { continue }
        let title = String(concatenating: report.pointee.principal.name, " (", team.team.name, ")")
        try renderer.render(
          template: "principal-page",
          model: builder.principalPage(report.pointee, team: team, recommendations: scratch.recommendations),
          page: path, in: scratch
        ) { body in
          layout.model(page: path, title: title, body: body, section: "teams", feed: nil)
        }
        try scratch.output.withUnsafeBytes {
          try sink.write(path: path, contents: UnsafeRawBufferPointer($0))
        }
      }
    }
  }

  /// One page: its template rendered inside the layout.
  func page(
    _ path: String, title: String, template: String, model: consuming some TemplateContext, section: String,
    feed: String? = nil
  ) throws -> OutputFile {
    let html = try renderer.render(template: template, model: model, page: path) { body in
      layout.model(page: path, title: title, body: body, section: section, feed: feed)
    }
    return OutputFile(path: path, contents: html)
  }

  func dashboard() throws -> OutputFile {
    var dashboard = builder.dashboard()
    dashboard.oldestItems = builder.oldestItems(from: "index.html")
    dashboard.hasOldestItems = !dashboard.oldestItems.isEmpty
    dashboard.activity = builder.activity(
      input.report.changes, from: "index.html", feed: builder.feedPath(nil), exports: nil, limit: 10)
    return try page(
      "index.html", title: "Dashboard", template: "dashboard", model: dashboard, section: "dashboard",
      feed: builder.feedPath(nil))
  }

  /// A team's files; its exports, the largest files of the site, go straight into `sink`.
  func teamFiles(_ team: TeamReport, exportsInto sink: some OutputSink) throws -> [OutputFile] {
    var files: [OutputFile] = []
    var teamModel = builder.teamPage(team)
    let teamPath = builder.paths.teamPage(team.team.id)
    teamModel.activity = builder.activity(
      team.changes, from: teamPath, feed: builder.feedPath(team), exports: team)
    teamModel.overdueCount = Format.count(team.totals.overduePermissions)
    files.append(
      try page(
        teamPath, title: team.team.name, template: "team", model: teamModel, section: "teams",
        feed: builder.feedPath(team)))
    let pages = PrincipalPages(count: team.principals.count)
    for number in stride(from: 2, through: pages.pageCount, by: 1) {
      files.append(
        try page(
          builder.paths.teamFolder(team.team.id) + "/" + PrincipalPages.file(ofPage: number),
          title: "\(team.team.name): principals, page \(number)", template: "team-principals",
          model: builder.principalList(team, page: number), section: "teams"))
    }
    let dataPath = "data/teams/" + builder.paths.teamFolder(team.team.id).dropFirst("teams/".count)
    try TeamExport(team: team).withFiles { csv, json in
      try sink.write(path: dataPath + ".csv", contents: UnsafeRawBufferPointer(csv))
      try sink.write(path: dataPath + ".json", contents: UnsafeRawBufferPointer(json))
    }
    files.append(
      OutputFile(
        path: builder.feedPath(team),
        contents: AtomFeed(
          title: "\(team.team.name): new and overdue unused access", path: builder.feedPath(team),
          pagePath: teamPath, changes: team.changes.first(AtomFeed.limit, where: AtomFeed.isShown),
          updated: input.report.snapshot ?? input.generatedAt.day,
          baseURL: input.config.baseURL, principalPage: { builder.paths.principalPage($0) }
        ).bytes))
    if input.report.quarter != nil, !team.isUnowned {
      for checklist in [team.previousChecklist, team.checklist].compactMap({ $0 }) {
        let path = builder.paths.teamChecklist(team.team.id, checklist.quarter)
        files.append(
          try page(
            path, title: "\(team.team.name): \(checklist.quarter.label) checklist",
            template: "team-checklist",
            model: builder.teamChecklist(team, checklist), section: "teams"))
        files.append(
          OutputFile(
            path: String(path.dropLast(".html".count)) + ".md",
            contents: builder.checklistMarkdown(team, checklist)))
      }
    }
    return files
  }

  func organisationFiles() throws -> [OutputFile] {
    var files: [OutputFile] = []
    if let quarter = input.report.quarter {
      files.append(
        try page(
          builder.paths.quarterChecklists(quarter), title: "\(quarter.label) review checklists",
          template: "checklists", model: builder.quarterChecklists(quarter, current: true),
          section: "checklists"))
      if input.report.teams.contains(where: { $0.previousChecklist != nil }) {
        files.append(
          try page(
            builder.paths.quarterChecklists(quarter.previous),
            title: "\(quarter.previous.label) review checklists",
            template: "checklists", model: builder.quarterChecklists(quarter.previous, current: false),
            section: "checklists"))
      }
    }
    for procedure in procedures {
      let model = ProcedureModel(
        title: procedure.title, showsTitle: procedure.document.title == nil,
        bodyHTML: procedure.document.html(allowRawHTML: input.config.allowsRawHTML),
        isChecklist: procedure.isQuarterlyChecklist,
        checklistNote: "Each team works through this procedure's checklist every quarter.")
      files.append(
        try page(
          SitePaths.procedure(procedure.slug), title: procedure.title, template: "procedure", model: model,
          section: "procedures"))
    }
    files.append(OutputFile(path: "data/summary.json", text: SummaryDocument(report: input.report).json()))
    if input.report.snapshot != nil {
      files.append(
        OutputFile(
          path: builder.feedPath(nil),
          contents: AtomFeed(
            title: "\(input.config.title): new and overdue unused access", path: builder.feedPath(nil),
            pagePath: "index.html",
            changes: input.report.changes.first(AtomFeed.limit, where: AtomFeed.isShown),
            updated: input.report.snapshot ?? input.generatedAt.day, baseURL: input.config.baseURL,
            principalPage: { builder.paths.principalPage($0) }
          ).bytes))
    }
    files += builder.chartFiles()
    for (path, bytes) in renderer.theme.assets.sorted(by: { $0.key < $1.key }) {
      files.append(OutputFile(path: "assets/" + path, contents: bytes))
    }
    return files
  }
}

extension SiteGenerator {
  /// Procedures with slugs made unique in name order.
  static func uniqueSlugs(_ procedures: [ProcedureSource]) -> [ProcedureSource] {
    var used = UniqueNames()
    return procedures.sorted { $0.name < $1.name }.map { procedure in
      var procedure = procedure
      procedure.slug = used.claim(procedure.slug)
      return procedure
    }
  }
}

/// Runs numbered jobs on all cores.
enum ConcurrentJobs {
  /// Runs `body` for every index in `0..<count`; after a failure, jobs not yet started are
  /// skipped, and the failure of the lowest index is thrown so the message does not depend on timing.
  static func run(count: Int, _ body: @Sendable (Int) throws -> Void) throws {
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: count) { index in
      guard !failures.any else { return }
      do {
        try body(index)
      } catch {
        failures.record(error, at: index)
      }
    }
    if let error = failures.first { throw error }
  }
}

private final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var failures: [(index: Int, error: any Error)] = []

  var any: Bool {
    lock.lock()
    defer { lock.unlock() }
    return !failures.isEmpty
  }

  var first: (any Error)? {
    lock.lock()
    defer { lock.unlock() }
    return failures.min { $0.index < $1.index }?.error
  }

  func record(_ error: any Error, at index: Int) {
    lock.lock()
    failures.append((index, error))
    lock.unlock()
  }
}

/// Builds the layout model around each page's content.
struct LayoutFactory {
  let input: SiteInput
  // The same on every page: worked out once rather than for each of a hundred thousand pages.
  private let banner: [String]
  private let sourceAges: String
  private let generated: String
  private let snapshot: String
  /// The navigation's links by the depth of the page's folder and then by the section marked
  /// current (none, the dashboard, the checklists): the site is a few folders deep, and a hundred
  /// thousand pages made the same strings each.
  private let navigationByDepth: [[[NavigationLink]]]

  init(input: SiteInput) {
    self.input = input
    self.banner = Self.banner(input)
    self.sourceAges = Self.sourceAges(input)
    let time = String(input.generatedAt.iso.dropFirst(11).prefix(5))
    self.generated = input.generatedAt.day.iso + " " + time + " UTC"
    self.snapshot = input.report.snapshot?.iso ?? ""
    navigationByDepth = (0...4).map { depth in
      Self.sections.map {
        Self.navigation(root: String(repeating: "../", count: depth), section: $0, input: input)
      }
    }
  }

  /// The sections a page can belong to, as `navigationByDepth` lists them: others mark no link.
  private static let sections = ["", "dashboard", "checklists"]

  private static func navigation(root: String, section: String, input: SiteInput) -> [NavigationLink] {
    var navigation = [
      NavigationLink(label: "Dashboard", href: root + "index.html", isCurrent: section == "dashboard")
    ]
    if let quarter = input.report.quarter {
      navigation.append(
        NavigationLink(
          label: "\(quarter.label) checklists", href: root + "checklists/\(quarter.label).html",
          isCurrent: section == "checklists"))
    }
    return navigation
  }

  func model(page: String, title: String, body: BorrowedBytes, section: String, feed: String?) -> LayoutModel
  {
    let root = SitePaths.root(from: page)
    // `root` is "../" once per folder.
    let depth = root.utf8.count / 3
    let sectionIndex = Self.sections.firstIndex(of: section) ?? 0
    let navigation =
      depth < navigationByDepth.count
      ? navigationByDepth[depth][sectionIndex] : Self.navigation(root: root, section: section, input: input)
    return LayoutModel(
      siteTitle: input.config.title, pageTitle: title, root: root, bodyHTML: body,
      snapshot: snapshot, hasSnapshot: input.report.snapshot != nil,
      generated: generated, navigation: navigation,
      banner: banner, hasBanner: !banner.isEmpty, sourceAges: sourceAges,
      feedHref: feed.map { root + $0 } ?? "",
      hasFeed: feed != nil)
  }

  /// Warnings every page carries when the data may mislead: an old snapshot, an export missing
  /// since the previous snapshot, an export cut short.
  private static func banner(_ input: SiteInput) -> [String] {
    let freshness = input.report.freshness
    var lines: [String] = []
    if freshness.isStale, let snapshot = input.report.snapshot {
      lines.append(
        "The newest snapshot, of \(snapshot.iso), is \(Format.days(freshness.snapshotAgeDays)) old: "
          + "the nightly export may have stopped.")
    }
    if let snapshot = input.report.snapshot, let warning = freshness.afterTodayWarning(snapshot: snapshot) {
      lines.append(warning)
    }
    for file in freshness.missingFiles {
      lines.append(
        "\(file.name) (\(file.kind.displayName)) was in the previous snapshot but is missing from this one: "
          + "its accounts' numbers may look better than they are.")
    }
    for note in freshness.truncated { lines.append(note + ": the numbers may be incomplete.") }
    return lines
  }

  /// "Access Analyzer findings 2026-11-22, IAM inventory 2026-11-20, ..." for the page footer.
  private static func sourceAges(_ input: SiteInput) -> String {
    input.report.freshness.sourceDays.sorted { $0.key.displayName < $1.key.displayName }
      .map { "\($0.key.displayName) \($0.value.iso)" }.joined(separator: ", ")
  }
}

import Analysis
import Markdown
import Model
import Mustache

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

/// Renders page models to HTML: the one place that knows which template engine is used.
struct PageRenderer {
  let theme: Theme

  func render(template: String, model: some Encodable, page: String) throws -> String {
    let context: Any
    do {
      context = try TemplateEncoder.encode(model)
    } catch {
      throw SiteError.renderFailed(page: page, reason: "\(error)")
    }
    guard let html = theme.library.render(context, withTemplate: template) else {
      throw SiteError.renderFailed(page: page, reason: "no template named \(template)")
    }
    return html
  }
}

/// Generates every file of the site from the analysis; writes nothing itself.
public struct SiteGenerator: Sendable {
  private let theme: Theme

  /// A generator using the given theme.
  public init(theme: Theme) {
    self.theme = theme
  }

  /// Every output file, in a stable order.
  public func files(for input: SiteInput) throws -> [OutputFile] {
    let procedures = Self.uniqueSlugs(input.procedures)
    let builder = PageBuilder(report: input.report, procedures: procedures)
    let renderer = PageRenderer(theme: theme)
    let layout = LayoutFactory(input: input)
    var files: [OutputFile] = []

    func page(
      _ path: String, title: String, template: String, model: some Encodable, section: String,
      feed: String? = nil
    ) throws {
      let body = try renderer.render(template: template, model: model, page: path)
      let html = try renderer.render(
        template: "layout",
        model: layout.model(page: path, title: title, body: body, section: section, feed: feed), page: path)
      files.append(OutputFile(path: path, text: html))
    }

    var dashboard = builder.dashboard()
    dashboard.oldestItems = builder.oldestItems(from: "index.html")
    dashboard.hasOldestItems = !dashboard.oldestItems.isEmpty
    dashboard.activity = builder.activity(
      input.report.changes, from: "index.html", feed: builder.feedPath(nil), exports: nil, limit: 10)
    try page(
      "index.html", title: "Dashboard", template: "dashboard", model: dashboard, section: "dashboard",
      feed: builder.feedPath(nil))
    for team in input.report.teams {
      var teamModel = builder.teamPage(team)
      let teamPath = builder.paths.teamPage(team.team.id)
      teamModel.activity = builder.activity(
        team.changes, from: teamPath, feed: builder.feedPath(team), exports: team)
      teamModel.overdueCount = Format.count(team.totals.overduePermissions)
      try page(
        teamPath, title: team.team.name, template: "team", model: teamModel, section: "teams",
        feed: builder.feedPath(team))
      let export = TeamExport(team: team)
      let dataPath = "data/teams/" + builder.paths.teamFolder(team.team.id).dropFirst("teams/".count)
      files.append(OutputFile(path: dataPath + ".csv", text: export.csv))
      files.append(OutputFile(path: dataPath + ".json", text: export.json))
      files.append(
        OutputFile(
          path: builder.feedPath(team),
          text: AtomFeed(
            title: "\(team.team.name): new and overdue unused access", path: builder.feedPath(team),
            pagePath: teamPath, changes: team.changes.entries,
            updated: input.report.snapshot ?? input.generatedAt.day,
            baseURL: input.config.baseURL, principalPage: { builder.paths.principalPage($0) }
          ).xml))
      for principal in team.principals {
        guard let path = builder.paths.principalPage(principal.principal.arn) else { continue }
        try page(
          path, title: "\(principal.principal.name) (\(team.team.name))", template: "principal-page",
          model: builder.principalPage(principal, team: team), section: "teams")
      }
      if input.report.quarter != nil, !team.isUnowned {
        for checklist in [team.previousChecklist, team.checklist].compactMap({ $0 }) {
          let path = builder.paths.teamChecklist(team.team.id, checklist.quarter)
          try page(
            path, title: "\(team.team.name): \(checklist.quarter.label) checklist",
            template: "team-checklist",
            model: builder.teamChecklist(team, checklist), section: "teams")
          files.append(
            OutputFile(
              path: String(path.dropLast(".html".count)) + ".md",
              text: builder.checklistMarkdown(team, checklist)))
        }
      }
    }
    if let quarter = input.report.quarter {
      try page(
        builder.paths.quarterChecklists(quarter), title: "\(quarter.label) review checklists",
        template: "checklists", model: builder.quarterChecklists(quarter, current: true),
        section: "checklists")
      if input.report.teams.contains(where: { $0.previousChecklist != nil }) {
        try page(
          builder.paths.quarterChecklists(quarter.previous),
          title: "\(quarter.previous.label) review checklists",
          template: "checklists", model: builder.quarterChecklists(quarter.previous, current: false),
          section: "checklists")
      }
    }
    for procedure in procedures {
      let model = ProcedureModel(
        title: procedure.title, showsTitle: procedure.document.title == nil,
        bodyHTML: procedure.document.html(allowRawHTML: input.config.allowsRawHTML),
        isChecklist: procedure.isQuarterlyChecklist,
        checklistNote: "Each team works through this procedure's checklist every quarter.")
      try page(
        SitePaths.procedure(procedure.slug), title: procedure.title, template: "procedure", model: model,
        section: "procedures")
    }
    files.append(OutputFile(path: "data/summary.json", text: SummaryDocument(report: input.report).json()))
    if input.report.snapshot != nil {
      files.append(
        OutputFile(
          path: builder.feedPath(nil),
          text: AtomFeed(
            title: "\(input.config.title): new and overdue unused access", path: builder.feedPath(nil),
            pagePath: "index.html", changes: input.report.changes.entries,
            updated: input.report.snapshot ?? input.generatedAt.day, baseURL: input.config.baseURL,
            principalPage: { builder.paths.principalPage($0) }
          ).xml))
    }
    files += builder.chartFiles()
    for (path, bytes) in theme.assets.sorted(by: { $0.key < $1.key }) {
      files.append(OutputFile(path: "assets/" + path, contents: bytes))
    }
    return files
  }

  /// Procedures with slugs made unique in name order.
  static func uniqueSlugs(_ procedures: [ProcedureSource]) -> [ProcedureSource] {
    var used = Set<String>()
    return procedures.sorted { $0.name < $1.name }.map { procedure in
      var procedure = procedure
      let base = procedure.slug
      var suffix = 2
      while used.contains(procedure.slug) {
        procedure.slug = "\(base)-\(suffix)"
        suffix += 1
      }
      used.insert(procedure.slug)
      return procedure
    }
  }
}

/// Builds the layout model around each page's content.
struct LayoutFactory {
  let input: SiteInput

  func model(page: String, title: String, body: String, section: String, feed: String?) -> LayoutModel {
    let root = SitePaths.root(from: page)
    var navigation = [
      NavigationLink(label: "Dashboard", href: root + "index.html", isCurrent: section == "dashboard")
    ]
    if let quarter = input.report.quarter {
      navigation.append(
        NavigationLink(
          label: "\(quarter.label) checklists", href: root + "checklists/\(quarter.label).html",
          isCurrent: section == "checklists"))
    }
    let generated = input.generatedAt
    let time = String(generated.iso.dropFirst(11).prefix(5))
    return LayoutModel(
      siteTitle: input.config.title, pageTitle: title, root: root, bodyHTML: body,
      snapshot: input.report.snapshot?.iso ?? "", hasSnapshot: input.report.snapshot != nil,
      generated: generated.day.iso + " " + time + " UTC", navigation: navigation,
      banner: banner, hasBanner: !banner.isEmpty, sourceAges: sourceAges,
      feedHref: feed.map { root + $0 } ?? "",
      hasFeed: feed != nil)
  }

  /// Warnings every page carries when the data may mislead: an old snapshot, an export missing
  /// since the previous snapshot, an export cut short.
  var banner: [String] {
    let freshness = input.report.freshness
    var lines: [String] = []
    if freshness.isStale, let snapshot = input.report.snapshot {
      lines.append(
        "The newest snapshot, of \(snapshot.iso), is \(Format.days(freshness.snapshotAgeDays)) old: "
          + "the nightly export may have stopped.")
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
  var sourceAges: String {
    input.report.freshness.sourceDays.sorted { $0.key.displayName < $1.key.displayName }
      .map { "\($0.key.displayName) \($0.value.iso)" }.joined(separator: ", ")
  }
}

import Foundation
import Markdown
import Model

/// A review procedure from `content/procedures/*.md`.
public struct Procedure: Sendable {
  /// The file name without `.md`, as written (the site slugs it for the output path).
  public var name: String
  /// The file relative to the site folder.
  public var file: String
  /// The title: front matter `title`, else the first level-1 heading, else the file name.
  public var title: String
  /// The parsed Markdown.
  public var document: MarkdownDocument
  /// Whether it is worked through as a quarterly checklist (front matter `checklist: quarterly`).
  public var isQuarterlyChecklist: Bool
  /// The teams it applies to (front matter `teams:`), nil for all.
  public var teamIDs: [String]?

  /// The procedure as analysis sees it: its checklist items.
  public var checklist: ChecklistProcedure {
    ChecklistProcedure(
      slug: name, title: title,
      items: document.taskItems.map { ProcedureItem(id: $0.id, text: $0.text, section: $0.headingPath) },
      teamIDs: teamIDs)
  }
}

/// Everything in a site folder except the snapshots' contents, which are read one at a time.
public struct SiteFolder: Sendable {
  /// The site folder.
  public var root: URL
  /// `site.yml`.
  public var config: SiteConfig
  /// `teams.yml`, in file order.
  public var teams: [Team]
  /// The dated folders under `content/analysis/`, oldest first.
  public var snapshots: [SnapshotFolder]
  /// `content/procedures/*.md`, by file name.
  public var procedures: [Procedure]
  /// `content/reviews/YYYY-Qn/TEAM.yml`, by quarter and team.
  public var reviews: [Review]
  /// Problems that do not stop the build.
  public var warnings: [IngestWarning]
  /// Review files that could not be read: their team's checklist is built without them, and the
  /// dashboard lists them as data problems.
  public var reviewProblems: [IngestError] = []

  /// The history store's location.
  public var historyURL: URL {
    let path = config.historyPath
    return path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
  }
}

/// Reads a site folder's configuration, procedures, reviews and the list of snapshot folders.
public struct SiteFolderReader: Sendable {
  /// The site folder.
  public let root: URL

  /// A reader of the site folder at `root`.
  public init(root: URL) {
    self.root = root
  }

  /// Reads everything but snapshot contents; throws `IngestErrors` listing every problem found.
  public func read() throws -> SiteFolder {
    var errors: [IngestError] = []
    var warnings: [IngestWarning] = []
    func attempt<T>(_ body: () throws -> T) -> T? {
      do {
        return try body()
      } catch let error as IngestError {
        errors.append(error)
      } catch let many as IngestErrors {
        errors += many.errors
      } catch {
        errors.append(IngestError(file: ".", message: "\(error)"))
      }
      return nil
    }
    let config = attempt { () throws -> SiteConfig in
      let (config, found) = try ConfigReader.readSite(try text(of: "site.yml"), file: "site.yml")
      warnings += found
      return config
    }
    let teams = attempt { () throws -> [Team] in
      let (teams, found) = try ConfigReader.readTeams(try text(of: "teams.yml"), file: "teams.yml")
      warnings += found
      return teams
    }
    let snapshots = attempt { try snapshotFolders(warnings: &warnings) } ?? []
    let procedures = attempt { try readProcedures(errors: &errors, warnings: &warnings) } ?? []
    // A bad review file concerns one team's checklist: it must not stop every other team's pages.
    var reviewProblems: [IngestError] = []
    let reviews =
      attempt {
        try readReviews(fiscalYearStartMonth: config?.fiscalYearStartMonth ?? 1, errors: &reviewProblems)
      } ?? []
    guard errors.isEmpty, let config, let teams else { throw IngestErrors(errors) }
    var folder = SiteFolder(
      root: root, config: config, teams: teams, snapshots: snapshots, procedures: procedures,
      reviews: reviews,
      warnings: warnings)
    folder.reviewProblems = reviewProblems
    return folder
  }

  /// The dated snapshot folders alone, oldest first, for checking them when the configuration
  /// itself has problems.
  public func snapshotFolderList() throws -> [SnapshotFolder] {
    var ignored: [IngestWarning] = []
    return try snapshotFolders(warnings: &ignored)
  }

  /// The text of a file relative to the root, nil when it does not exist.
  func text(of relativePath: String) throws -> String? {
    let url = root.appendingPathComponent(relativePath)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw IngestError(file: relativePath, message: "cannot be read (check its permissions)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw IngestError(file: relativePath, message: "is not UTF-8 text", hint: "Save the file as UTF-8")
    }
    return text
  }

  func snapshotFolders(warnings: inout [IngestWarning]) throws -> [SnapshotFolder] {
    let analysis = root.appendingPathComponent("content/analysis")
    guard FileListing.isFolder(analysis) else { return [] }
    var folders: [SnapshotFolder] = []
    for name in try FileListing.subfolders(of: analysis) {
      let relative = "content/analysis/" + name
      guard let day = Day(iso: name) else {
        warnings.append(
          IngestWarning(
            file: relative, message: "not a snapshot folder (its name is not a YYYY-MM-DD date); ignored"))
        continue
      }
      folders.append(
        SnapshotFolder(day: day, url: analysis.appendingPathComponent(name), relativePath: relative))
    }
    return folders.sorted { $0.day < $1.day }
  }

  func readProcedures(errors: inout [IngestError], warnings: inout [IngestWarning]) throws -> [Procedure] {
    let folder = root.appendingPathComponent("content/procedures")
    guard FileListing.isFolder(folder) else { return [] }
    var procedures: [Procedure] = []
    for name in try FileListing.files(in: folder, withExtension: "md") {
      let relative = "content/procedures/" + name
      do {
        guard let text = try text(of: relative) else { continue }
        let (procedure, found) = try ProcedureReader.read(
          text, name: String(name.dropLast(3)), file: relative)
        procedures.append(procedure)
        warnings += found
      } catch let error as IngestError {
        errors.append(error)
      }
    }
    return procedures
  }

  func readReviews(fiscalYearStartMonth: Int, errors: inout [IngestError]) throws -> [Review] {
    let folder = root.appendingPathComponent("content/reviews")
    guard FileListing.isFolder(folder) else { return [] }
    var reviews: [Review] = []
    for quarterName in try FileListing.subfolders(of: folder) {
      let quarterFolder = "content/reviews/" + quarterName
      guard let quarter = Quarter(label: quarterName, fiscalYearStartMonth: fiscalYearStartMonth) else {
        errors.append(
          IngestError(
            file: quarterFolder, message: "a review folder must be named after a quarter",
            hint: "Name it like 2026-Q4"))
        continue
      }
      let quarterURL = folder.appendingPathComponent(quarterName)
      let names =
        try FileListing.files(in: quarterURL, withExtension: "yml")
        + FileListing.files(in: quarterURL, withExtension: "yaml")
      for name in names.sorted() {
        let relative = quarterFolder + "/" + name
        let teamID = String(name[..<name.lastIndex(of: ".")!])
        do {
          let review = try ReviewReader.read(
            try text(of: relative) ?? "", quarter: quarter, teamID: teamID, file: relative)
          reviews.append(review)
        } catch let error as IngestError {
          errors.append(error)
        }
      }
    }
    return reviews
  }
}

/// Reads a procedure's front matter and Markdown.
enum ProcedureReader {
  static let frontMatterKeys = ["title", "checklist", "teams"]

  static func read(_ text: String, name: String, file: String) throws(IngestError) -> (
    Procedure, [IngestWarning]
  ) {
    let document = MarkdownDocument(parsing: text)
    var warnings: [IngestWarning] = []
    var title: String?
    var isQuarterly = false
    var teamIDs: [String]?
    if let frontMatter = document.frontMatter,
      // Front matter starts on the file's second line, after the opening `---`.
      let root = try YAMLField.parse(frontMatter, file: file, lineOffset: 1), !root.isNull
    {
      for (key, value) in try root.mappingMembers() {
        switch key {
        case "title": title = try value.nonEmptyText()
        case "checklist":
          let setting = try value.text().lowercased()
          switch setting {
          case "quarterly", "true", "yes": isQuarterly = true
          case "false", "no", "": isQuarterly = false
          default:
            throw value.error("expected `quarterly` or `false`, found \"\(setting.prefix(40))\"")
          }
        case "teams":
          let ids = try value.valueOrList().map { field throws(IngestError) in try field.nonEmptyText() }
          teamIDs = ids == ["all"] ? nil : ids
        default:
          warnings.append(
            IngestWarning(
              file: file, line: value.line,
              message: "unknown front matter key \"\(key.prefix(60))\" is ignored; known keys: "
                + frontMatterKeys.joined(separator: ", ")))
        }
      }
    }
    let procedure = Procedure(
      name: name, file: file, title: title ?? document.title ?? name, document: document,
      isQuarterlyChecklist: isQuarterly, teamIDs: teamIDs)
    return (procedure, warnings)
  }
}

/// Reads `content/reviews/YYYY-Qn/TEAM.yml`.
enum ReviewReader {
  static func read(_ text: String, quarter: Quarter, teamID: String, file: String) throws(IngestError)
    -> Review
  {
    var signOffs: [SignOff] = []
    var exceptions: [ReviewException] = []
    if let root = try YAMLField.parse(text, file: file), !root.isNull {
      for (key, value) in try root.mappingMembers() where !value.isNull {
        switch key {
        case "signed_off":
          for entry in try value.sequenceElements() {
            signOffs.append(try readSignOff(entry))
          }
        case "exceptions":
          for entry in try value.sequenceElements() {
            exceptions.append(try readException(entry))
          }
        default:
          throw value.error(
            "unknown key \"\(key.prefix(60))\"",
            hint: "A review file has `signed_off:` and `exceptions:` lists")
        }
      }
    }
    return Review(quarter: quarter, teamID: teamID, signOffs: signOffs, exceptions: exceptions, file: file)
  }

  private static func fields(_ entry: YAMLField) throws(IngestError) -> [String: YAMLField] {
    var result: [String: YAMLField] = [:]
    for (key, value) in try entry.mappingMembers() { result[key] = value }
    return result
  }

  private static func day(_ field: YAMLField) throws(IngestError) -> Day {
    let text = try field.text()
    guard let day = Day(iso: text.trimmingCharacters()) else {
      throw field.error("\"\(text.prefix(40))\" is not a date", hint: "Write dates as YYYY-MM-DD")
    }
    return day
  }

  private static func readSignOff(_ entry: YAMLField) throws(IngestError) -> SignOff {
    let members = try fields(entry)
    guard let id = members["id"] else {
      throw entry.error("a sign-off needs an `id` (the checklist item's id)")
    }
    guard let by = members["by"] else { throw entry.error("a sign-off needs `by` (who signed it off)") }
    guard let date = members["date"] else { throw entry.error("a sign-off needs a `date` (YYYY-MM-DD)") }
    return SignOff(
      itemID: try id.nonEmptyText(), by: try by.nonEmptyText(), on: try day(date),
      note: try members["note"]?.text(), line: entry.line)
  }

  private static func readException(_ entry: YAMLField) throws(IngestError) -> ReviewException {
    let members = try fields(entry)
    guard let principal = members["principal"] else {
      throw entry.error("an exception needs a `principal` ARN")
    }
    guard let justification = members["justification"] else {
      throw entry.error("an exception needs a `justification`")
    }
    guard let approver = members["approver"] else { throw entry.error("an exception needs an `approver`") }
    guard let expires = members["expires"] else { throw entry.error("an exception needs an `expires` date") }
    return ReviewException(
      principalARN: try principal.nonEmptyText(), permission: try members["permission"]?.nonEmptyText(),
      justification: try justification.nonEmptyText(), approver: try approver.nonEmptyText(),
      expires: try day(expires), line: entry.line)
  }
}

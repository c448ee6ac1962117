import Foundation
import Site

/// Why `permsite init` stopped.
struct InitError: Error, CustomStringConvertible {
  var description: String
}

/// Writes a minimal site folder that builds as it is: commented configuration, the default
/// templates, a starter procedure, and an empty snapshot folder to fill.
struct SiteInitializer {
  let root: URL

  /// Writes every file; refuses when any of them already exists. Returns the paths written.
  func write() throws -> [String] {
    var files: [(path: String, contents: String)] = [
      ("site.yml", Self.siteYAML),
      ("teams.yml", Self.teamsYAML),
      ("content/procedures/quarterly-access-review.md", Self.procedure),
      ("content/analysis/README.md", Self.analysisReadme),
      (".gitignore", "/output\n.output.*\n.permsite.lock\nhistory.sqlite\nhistory.sqlite-*\n"),
    ]
    files += Theme.defaultFiles.map { ("templates/" + $0.path, $0.contents) }
    let fileManager = FileManager.default
    let existing = files.map(\.path).filter {
      fileManager.fileExists(atPath: root.appendingPathComponent($0).path)
    }
    guard existing.isEmpty else {
      throw InitError(
        description: "\(root.path): already has \(existing.prefix(3).joined(separator: ", "))"
          + "\(existing.count > 3 ? " and more" : ""); choose an empty or new folder")
    }
    for file in files {
      let url = root.appendingPathComponent(file.path)
      do {
        try fileManager.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(file.contents.utf8).write(to: url)
      } catch {
        throw InitError(description: "\(url.path): cannot be written: \(error.localizedDescription)")
      }
    }
    return files.map(\.path)
  }

  static let siteYAML = """
    # permsite site settings. Every key is optional; the values below are the defaults.

    # Shown at the top of every page.
    title: "IAM unused access"

    # Where the site is published (used only where an absolute URL is needed, such as feeds).
    # base_url: "https://iam-reports.example.internal/"

    # Access unused for this many days before a snapshot counts as unused.
    unused_threshold_days: 90

    # The month (1-12) in which the fiscal year, and so Q1, begins.
    fiscal_year_start_month: 1

    # The history store, relative to this folder. It keeps every snapshot's outcome, so trends
    # survive after old snapshot folders are deleted.
    history_store: history.sqlite

    # Tag keys whose value names a team id: a role tagged team=payments belongs to team `payments`.
    owner_tags: [team, owner]

    # Raw HTML in procedures is dropped unless this is true.
    allow_raw_html: false

    """

  static let teamsYAML = """
    # Teams, in order: the first team with a matching rule owns a principal. Principals no team
    # matches are listed as "Unowned".
    teams:
      - id: platform                      # used in file names and review files
        name: Platform
        champions:
          - name: Ada Example
            email: ada@example.com
        match:
          accounts: ["111122223333"]      # every role and user in these accounts
          arns: ["arn:aws:iam::*:role/platform-*"]
          tags: ["team=platform"]         # key=value

    """

  static let procedure = """
    ---
    title: Quarterly access review
    checklist: quarterly
    teams: all
    ---

    # Quarterly access review

    Each team's champion works through this list once a quarter and records what is done in
    `content/reviews/YYYY-Qn/TEAM.yml`.

    ## Find unused access

    - [ ] Read the team page and its list of unused permissions {#read-team-page}
    - [ ] Check the roles and users with unused access that nobody owns any more {#check-orphans}

    ## Remove or keep

    - [ ] Remove unused permissions, or record an exception with a justification and an expiry {#remove-or-except}
    - [ ] Deactivate unused access keys and remove unused console passwords {#credentials}

    """

  static let analysisReadme = """
    Put each night's AWS CLI exports in a folder named after the day, e.g. `2026-11-22/`:
    the output of `aws accessanalyzer get-finding-v2` for each finding (one response per line, or
    a JSON array) and `aws iam get-account-authorization-details`. File names do not matter.

    """
}

import Analysis
import Model

/// Where each page lives in the output folder, and how pages link to each other.
///
/// Every name derived from input passes through `Slug`, and collisions get a numeric suffix in
/// `teams.yml` order, so no input can write outside the output folder or over another page.
struct SitePaths: Sendable {
  private var teamFolders: [String: String] = [:]
  /// Principal page paths by ARN.
  private var principalPages = StringKeyedTable<String>()

  init(teamIDs: [String]) {
    // `organisation` names the organisation's own feed beside the teams' feeds.
    var used = UniqueNames(minimumCapacity: teamIDs.count + 1)
    used.take("organisation")
    for id in teamIDs {
      teamFolders[id] = used.claim(Slug.make(id, maxLength: 64, fallback: "team"))
    }
  }

  /// Gives every principal of each team a page in its team's folder (see `principalPages(of:in:)`).
  /// The teams are worked out on both cores: a large organisation has a hundred thousand principals.
  mutating func assignPrincipalPages(teams: [TeamReport]) {
    let folders = teams.map { teamFolder($0.team.id) }
    let pagesOfTeams = Concurrently.map(count: teams.count) { index in
      Self.principalPages(of: teams[index].principals, in: folders[index])
    }
    principalPages = StringKeyedTable(minimumCapacity: pagesOfTeams.reduce(0) { $0 + $1.count })
    for pages in pagesOfTeams {
      for page in pages { principalPages.updateValue(page.path, forKey: page.arn) }
    }
  }

  /// `FOLDER/principals/NAME.html` for each principal, with the account added where two
  /// principals of a team share a name, and a number where even that collides.
  static func principalPages(of principals: [PrincipalReport], in folder: String) -> [(
    arn: String, path: String
  )] {
    // Names are counted and claimed by a hash of our own rather than in a `Dictionary` and a
    // `Set`, which hashed each name twice through `Hasher`: a large organisation has a hundred
    // thousand principals.
    typealias Table = StringKeyedTable<Int>
    let bases = principals.map { Slug.make($0.principal.name, maxLength: 80, fallback: "principal") }
    let baseHashes = bases.map(Table.hash(of:))
    var counts = Table(minimumCapacity: principals.count)
    for (base, hash) in zip(bases, baseHashes) {
      counts.updateValue((counts.value(forKey: base, hash: hash) ?? 0) + 1, forKey: base, hash: hash)
    }
    var used = UniqueNames(minimumCapacity: principals.count)
    var pages: [(arn: String, path: String)] = []
    pages.reserveCapacity(principals.count)
    // Positions are sorted rather than the principals: a large team has thousands.
    for index in principals.indices.sorted(by: { principals[$0].principal.arn < principals[$1].principal.arn }
    ) {
      let principal = principals[index].principal
      let base = bases[index]
      let isShared = (counts.value(forKey: base, hash: baseHashes[index]) ?? 0) > 1
      let slug = used.claim(isShared ? String(concatenating: base, "-", principal.accountID) : base)
      pages.append((principal.arn, String(concatenating: folder, "/principals/", slug, ".html")))
    }
    return pages
  }

  /// `teams/SLUG/principals/NAME.html`, when the principal has a page.
  func principalPage(_ arn: String) -> String? { principalPages[arn] }

  /// `teams/SLUG`.
  func teamFolder(_ teamID: String) -> String {
    "teams/" + (teamFolders[teamID] ?? Slug.make(teamID, fallback: "team"))
  }

  /// `teams/SLUG/index.html`.
  func teamPage(_ teamID: String) -> String { teamFolder(teamID) + "/index.html" }

  /// `teams/SLUG/checklists/YYYY-Qn.html`.
  func teamChecklist(_ teamID: String, _ quarter: Quarter) -> String {
    teamFolder(teamID) + "/checklists/" + quarter.label + ".html"
  }

  /// `checklists/YYYY-Qn.html`.
  func quarterChecklists(_ quarter: Quarter) -> String { "checklists/" + quarter.label + ".html" }

  /// `procedures/SLUG.html`.
  static func procedure(_ slug: String) -> String { "procedures/" + slug + ".html" }

  /// The prefix that leads from a page back to the site root: `""`, `../`, `../../`.
  static func root(from page: String) -> String {
    // The path's non-empty parts counted on its bytes: every page asks, and splitting the path
    // walked it character by character, a sixtieth of the time of rendering a page.
    let parts = page.withUTF8Bytes { bytes in
      var count = 0
      var previous = UInt8(ascii: "/")
      for byte in bytes {
        if previous == UInt8(ascii: "/") && byte != UInt8(ascii: "/") { count += 1 }
        previous = byte
      }
      return count
    }
    return String(repeating: "../", count: max(0, parts - 1))
  }
}

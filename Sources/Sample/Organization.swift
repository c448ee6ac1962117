import Model

/// A person with an e-mail address at the fictional company.
struct Person: Sendable {
  let name: String
  let email: String
}

/// How quickly a team works through its unused permissions. The differences between teams (and,
/// for some, between the first and second half of the history) are what make the quarterly
/// "identified vs removed" numbers and the leaderboard interesting.
struct Profile: Sendable {
  /// A word for the behaviour, for reading the code and debugging only.
  let label: String
  /// Mean open unused permissions of an existing principal at the first snapshot.
  let initialMean: Double
  /// Mean new unused permissions per principal per month.
  let arrivals: Double
  /// Chance per month that the team acts on one service's unused permissions of a principal,
  /// before and after the middle of the history.
  let earlyRemoval: Double
  let lateRemoval: Double

  static let all: [Profile] = [
    // Removes 40–60% a month: open counts fall steeply.
    Profile(label: "fast", initialMean: 18, arrivals: 1.5, earlyRemoval: 0.55, lateRemoval: 0.55),
    Profile(label: "steady", initialMean: 12, arrivals: 1.5, earlyRemoval: 0.2, lateRemoval: 0.2),
    Profile(label: "slow", initialMean: 10, arrivals: 0.9, earlyRemoval: 0.06, lateRemoval: 0.06),
    // Almost nothing is removed: open counts creep up.
    Profile(label: "stalled", initialMean: 9, arrivals: 0.6, earlyRemoval: 0.01, lateRemoval: 0.01),
    Profile(label: "improving", initialMean: 13, arrivals: 1.0, earlyRemoval: 0.03, lateRemoval: 0.35),
    Profile(label: "regressing", initialMean: 8, arrivals: 2.2, earlyRemoval: 0.25, lateRemoval: 0.1),
  ]
}

/// One team as the sample plans it.
struct TeamPlan: Sendable {
  let index: Int
  let id: String
  let name: String
  let rule: Catalog.Rule
  /// Role names the team's workloads use first; more are made up from `Catalog.roleNouns`.
  let roleNames: [String]
  let champions: [Person]
  let profile: Profile
  let costCenter: String
  /// Indexes into `OrganizationPlan.accounts`.
  var accounts: [Int]
}

/// What an account is for.
enum AccountKind: Sendable, Equatable {
  /// One of a team's accounts, `prod`, `staging` or `dev`.
  case team(env: String)
  /// Shared CI/CD account holding a deploy role per team, tagged with the team.
  case shared
  /// An experimentation account no rule maps to a team.
  case sandbox
}

/// One AWS account: its id, what it is for, and how its exports are formatted.
struct AccountPlan: Sendable {
  let index: Int
  let id: String
  let kind: AccountKind
  /// The owning team for team accounts.
  let team: Int?
  let alias: String
  let region: String
  /// Roles plus users in the newest snapshot.
  var principals: Int = 0
  /// Whether finding action names carry the `service:` prefix (AWS CLI versions differ).
  var actionsPrefixed = true
  /// Whether findings print instants as `...44.905Z` (exported by a JavaScript script).
  var zuluTimestamps = false
  /// Whether policy documents are URL-encoded strings (the raw IAM API shape).
  var urlEncodedDocuments = false
  /// Whether findings are one pretty-printed JSON array rather than JSON Lines.
  var findingsAsArray = false
  /// Whether the account has a permissions-boundary policy that workload roles use.
  var hasBoundary = false
  /// Spaces per level in pretty-printed files: 4 where the AWS CLI wrote them directly, 2 where
  /// the export script passed them through `jq`.
  var indent = 2

  // Which analysis sources the account's team exports (see `OrganizationPlan.chooseSources`).

  /// Whether the account has the paid Access Analyzer unused-access analyzer: its findings (and
  /// recommendations) are exported. Without it the team relies on last-accessed data and the
  /// credential report.
  var hasAnalyzer = true
  /// The granularity of the account's `get-service-last-accessed-details` jobs; nil when the
  /// account exports no last-accessed data (it shows Access Analyzer data only).
  var lastAccessed: LastAccessedGranularity?
  /// How the credential report is exported; nil when it is not.
  var credentialReport: CredentialReportForm?
  /// Whether `list-findings-v2` summaries are exported too, with a few findings' details missing.
  var findingSummaries = false
  /// Whether the root user has an active access key (a classic credential-report finding).
  var rootAccessKey = false
  /// Whether the root user's password was ever used to sign in.
  var rootPasswordUsed = false
  /// Whether, at each snapshot, one last-accessed job is still in progress and one has failed.
  var lastAccessedJobProblems = false
  /// Whether, at each snapshot, one recommendation is still in progress and one has failed.
  var recommendationProblems = false

  var env: String {
    switch kind {
    case .team(let env): env
    case .shared: "shared"
    case .sandbox: "sandbox"
    }
  }
}

/// `JobType` of `aws iam generate-service-last-accessed-details --granularity`.
enum LastAccessedGranularity: Sendable {
  case serviceLevel
  case actionLevel
}

/// How an account's credential report was exported.
enum CredentialReportForm: Sendable {
  /// The decoded CSV (`... --query Content --output text | base64 -d`).
  case csv
  /// The `aws iam get-credential-report` response, with the CSV base64-encoded in `Content`.
  case json
}

/// The whole fictional organisation, planned before any file is written. Everything in it is
/// small (teams and accounts); principals are generated per account later.
struct OrganizationPlan: Sendable {
  let options: SampleOptions
  let snapshotDays: [Day]
  let teams: [TeamPlan]
  let accounts: [AccountPlan]
  /// The Organizations management account, trusted by every `OrganizationAccountAccessRole`.
  let managementAccountID: String
  /// The team matched by ARN globs, if any.
  let globTeam: Int?
  /// Team index by id, for resolving tags (looked up, never iterated).
  let teamIndexByID: [String: Int]

  init(options: SampleOptions) {
    self.options = options
    snapshotDays = OrganizationPlan.snapshotDays(options)
    var rng = SplitMix64(options.seed, 0x0_0726_6A71)
    var teams = OrganizationPlan.makeTeams(options, &rng)
    var accounts: [AccountPlan] = []
    var usedIDs = Set<String>()
    func newAccountID() -> String {
      while true {
        let id = String(100_000_000_000 + rng.below(900_000_000_000))
        if usedIDs.insert(id).inserted { return id }
      }
    }
    managementAccountID = newAccountID()
    for team in teams.indices {
      // Most teams have prod and staging; about a third also a dev account.
      var envs = ["prod", "staging"]
      if rng.below(3) == 0 { envs.append("dev") }
      for env in envs {
        teams[team].accounts.append(accounts.count)
        accounts.append(
          AccountPlan(
            index: accounts.count, id: newAccountID(), kind: .team(env: env), team: team,
            alias: teams[team].id + "-" + env, region: OrganizationPlan.region(&rng)))
      }
    }
    accounts.append(
      AccountPlan(
        index: accounts.count, id: newAccountID(), kind: .shared, team: nil, alias: "shared-services",
        region: Catalog.regions[0]))
    accounts.append(
      AccountPlan(
        index: accounts.count, id: newAccountID(), kind: .sandbox, team: nil, alias: "sandbox",
        region: Catalog.regions[0]))
    OrganizationPlan.allocatePrincipals(options, teams, &accounts, &rng)
    OrganizationPlan.chooseFormats(&accounts, &rng)
    // A generator of its own, so the choices above stay what they were before sources existed.
    var sourceRNG = SplitMix64(options.seed, 0x5_0C3E5)
    OrganizationPlan.chooseSources(&accounts, &sourceRNG)
    self.teams = teams
    self.accounts = accounts
    globTeam = teams.firstIndex { $0.rule == .arnGlob }
    var byID: [String: Int] = [:]
    for team in teams { byID[team.id] = team.index }
    teamIndexByID = byID
  }

  /// The same day of month each month, ending at `lastSnapshot`, clamped to shorter months.
  static func snapshotDays(_ options: SampleOptions) -> [Day] {
    let (year, month, day) = options.lastSnapshot.components
    return (0..<options.snapshots).map { index in
      let monthsBack = options.snapshots - 1 - index
      let total = year * 12 + (month - 1) - monthsBack
      let (y, m) = (total / 12, total % 12 + 1)
      return Day(year: y, month: m, day: min(day, Day.length(ofMonth: m, inYear: y)))!
    }
  }

  private static func region(_ rng: inout SplitMix64) -> String {
    // Most of the organisation runs in its home region.
    let roll = rng.below(100)
    return roll < 60 ? Catalog.regions[0] : roll < 85 ? Catalog.regions[1] : rng.pick(Catalog.regions)
  }

  private static func makeTeams(_ options: SampleOptions, _ rng: inout SplitMix64) -> [TeamPlan] {
    // Champions: the named people in a seeded order, then made-up combinations.
    var order = Array(Catalog.people.indices)
    for i in stride(from: order.count - 1, to: 0, by: -1) {
      order.swapAt(i, rng.below(i + 1))
    }
    var nextPerson = 0
    func person() -> Person {
      defer { nextPerson += 1 }
      if nextPerson < order.count {
        let entry = Catalog.people[order[nextPerson]]
        return Person(name: entry.name, email: entry.email + "@example.com")
      }
      let k = nextPerson - order.count
      let first = Catalog.userFirstNames[k % Catalog.userFirstNames.count]
      let last = Catalog.userLastNames[(k / Catalog.userFirstNames.count) % Catalog.userLastNames.count]
      return Person(
        name: first.prefix(1).uppercased() + first.dropFirst() + " " + last.prefix(1).uppercased()
          + last.dropFirst(),
        email: first + "." + last + "@example.com")
    }
    let profileOffset = Int(options.seed % UInt64(Profile.all.count))
    return (0..<options.teams).map { index in
      let id: String
      let name: String
      let rule: Catalog.Rule
      let roles: [String]
      if index < Catalog.teams.count {
        let template = Catalog.teams[index]
        (id, name, rule, roles) = (template.id, template.name, template.rule, template.roles)
      } else {
        let base = Catalog.extraTeamNames[(index - Catalog.teams.count) % Catalog.extraTeamNames.count]
        name = base + " " + String(index + 1)
        id = OrganizationPlan.slug(name)
        rule = .tag
        roles = []
      }
      let champions = rng.below(5) < 3 ? [person()] : [person(), person()]
      return TeamPlan(
        index: index, id: id, name: name, rule: rule, roleNames: roles, champions: champions,
        profile: Profile.all[(index + profileOffset) % Profile.all.count],
        costCenter: "CC-" + String(4100 + index * 10), accounts: [])
    }
  }

  /// Lower-case letters and digits, runs of anything else as one `-`.
  static func slug(_ text: String) -> String {
    var result = ""
    var pendingDash = false
    for scalar in text.lowercased().unicodeScalars {
      if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
        if pendingDash, !result.isEmpty { result.append("-") }
        pendingDash = false
        result.unicodeScalars.append(scalar)
      } else {
        pendingDash = true
      }
    }
    return result
  }

  /// Splits the principals over accounts: a little for the sandbox and shared accounts, at least
  /// one per team, the rest by team size (some teams are several times bigger than others), and
  /// within a team mostly to prod.
  private static func allocatePrincipals(
    _ options: SampleOptions, _ teams: [TeamPlan], _ accounts: inout [AccountPlan], _ rng: inout SplitMix64
  ) {
    let total = options.principals
    let extra = total - teams.count
    let sandbox = min(extra, total >= 40 ? max(1, total * 3 / 100) : (extra >= 2 ? 1 : 0))
    let shared = min(extra - sandbox, total >= 60 ? max(1, total * 3 / 100) : 0)
    accounts[accounts.count - 1].principals = sandbox
    accounts[accounts.count - 2].principals = shared
    let teamWeights = teams.map { _ in 0.4 + 1.6 * rng.unit() }
    let perTeam = largestRemainder(total - sandbox - shared - teams.count, weights: teamWeights).map {
      $0 + 1
    }
    for team in teams {
      let envWeights = team.accounts.map { index -> Double in
        switch accounts[index].env {
        case "prod": 0.55
        case "staging": 0.3
        default: 0.15
        }
      }
      let split = largestRemainder(perTeam[team.index] - 1, weights: envWeights)
      for (position, index) in team.accounts.enumerated() {
        accounts[index].principals = split[position] + (position == 0 ? 1 : 0)
      }
    }
  }

  /// Splits `total` into integers proportional to `weights`, remainders to the largest fractions
  /// (ties to the lower index), so the parts always add up to `total`.
  static func largestRemainder(_ total: Int, weights: [Double]) -> [Int] {
    let sum = weights.reduce(0, +)
    guard total > 0, sum > 0 else { return weights.map { _ in 0 } }
    let exact = weights.map { Double(total) * $0 / sum }
    var parts = exact.map { Int($0.rounded(.down)) }
    let order = exact.indices.sorted {
      let a = exact[$0] - Double(parts[$0])
      let b = exact[$1] - Double(parts[$1])
      return a != b ? a > b : $0 < $1
    }
    var left = total - parts.reduce(0, +)
    for index in order where left > 0 {
      parts[index] += 1
      left -= 1
    }
    return parts
  }

  /// Picks the accounts whose exports differ in form, each a different account where possible,
  /// among accounts with enough principals for the difference to show.
  private static func chooseFormats(_ accounts: inout [AccountPlan], _ rng: inout SplitMix64) {
    let populated = accounts.indices.filter { accounts[$0].principals >= 3 && accounts[$0].team != nil }
    var candidates = populated.isEmpty ? accounts.indices.filter { accounts[$0].principals > 0 } : populated
    if candidates.isEmpty { candidates = Array(accounts.indices) }
    var taken: [Int] = []
    func choose(preferring env: String?) -> Int {
      let fresh = candidates.filter { !taken.contains($0) }
      let pool = fresh.isEmpty ? candidates : fresh
      let preferred = pool.filter { env == nil || accounts[$0].env == env }
      let chosen = rng.pick(preferred.isEmpty ? pool : preferred)
      taken.append(chosen)
      return chosen
    }
    accounts[choose(preferring: "staging")].findingsAsArray = true
    accounts[choose(preferring: "prod")].urlEncodedDocuments = true
    accounts[choose(preferring: nil)].zuluTimestamps = true
    // About a third of accounts export action names without the service prefix; make sure both
    // forms appear whenever two accounts have principals.
    for index in accounts.indices {
      accounts[index].actionsPrefixed = rng.below(3) != 0
      accounts[index].hasBoundary = accounts[index].team != nil && rng.below(2) == 0
      accounts[index].indent = rng.below(3) == 0 ? 4 : 2
    }
    let withPrincipals = accounts.indices.filter { accounts[$0].principals > 0 }
    if withPrincipals.count >= 2 {
      if withPrincipals.allSatisfy({ accounts[$0].actionsPrefixed }) {
        accounts[withPrincipals[withPrincipals.count / 2]].actionsPrefixed = false
      }
      if withPrincipals.allSatisfy({ !accounts[$0].actionsPrefixed }) {
        accounts[withPrincipals[0]].actionsPrefixed = true
      }
    }
  }

  /// Decides which analysis sources each account exports:
  ///
  /// - one or two non-prod team accounts have no Access Analyzer: last-accessed data, the
  ///   credential report and the inventory only (every team keeps its prod account analysed);
  /// - the shared account, and in larger organisations two more accounts, show Access Analyzer
  ///   data only: no last-accessed data and no credential report;
  /// - every other account has all of them, with action-level last-accessed jobs in some and
  ///   service-level jobs in others, and the credential report as CSV in some and as the
  ///   `get-credential-report` JSON in others;
  /// - one analysed account also exports `list-findings-v2` summaries, one has a root access key,
  ///   one has an unfinished and a failed last-accessed job, one an unfinished and a failed
  ///   recommendation.
  private static func chooseSources(_ accounts: inout [AccountPlan], _ rng: inout SplitMix64) {
    let count = accounts.count
    func pick(_ pool: [Int]) -> Int? { pool.isEmpty ? nil : rng.pick(pool) }
    // Without the analyzer: non-prod team accounts big enough to show something.
    var withoutAnalyzer: [Int] = []
    for _ in 0..<(count >= 10 ? 2 : 1) {
      let pool = accounts.indices.filter {
        accounts[$0].team != nil && accounts[$0].env != "prod" && accounts[$0].principals >= 3
          && !accounts[$0].findingsAsArray && !withoutAnalyzer.contains($0)
      }
      if let chosen = pick(pool) { withoutAnalyzer.append(chosen) }
    }
    for index in withoutAnalyzer { accounts[index].hasAnalyzer = false }
    // Access Analyzer data only.
    var analyzerOnly = accounts.indices.filter { accounts[$0].kind == .shared }
    for _ in 0..<(count >= 10 ? 2 : 0) {
      let pool = accounts.indices.filter {
        accounts[$0].team != nil && accounts[$0].hasAnalyzer && accounts[$0].principals >= 3
          && !analyzerOnly.contains($0)
      }
      if let chosen = pick(pool) { analyzerOnly.append(chosen) }
    }
    for index in accounts.indices where !analyzerOnly.contains(index) {
      accounts[index].lastAccessed = rng.chance(0.5) ? .actionLevel : .serviceLevel
      accounts[index].credentialReport = rng.chance(0.5) ? .csv : .json
      accounts[index].rootPasswordUsed = rng.chance(0.3)
    }
    // Both forms of each wherever two accounts export them; the accounts without the analyzer
    // differ from each other too.
    let exporting = accounts.indices.filter { accounts[$0].lastAccessed != nil }
    if exporting.count >= 2 {
      if exporting.allSatisfy({ accounts[$0].lastAccessed == .actionLevel }) {
        accounts[exporting[0]].lastAccessed = .serviceLevel
      } else if exporting.allSatisfy({ accounts[$0].lastAccessed == .serviceLevel }) {
        accounts[exporting[0]].lastAccessed = .actionLevel
      }
      if exporting.allSatisfy({ accounts[$0].credentialReport == .csv }) {
        accounts[exporting[0]].credentialReport = .json
      } else if exporting.allSatisfy({ accounts[$0].credentialReport == .json }) {
        accounts[exporting[0]].credentialReport = .csv
      }
    }
    if withoutAnalyzer.count == 2 {
      accounts[withoutAnalyzer[0]].lastAccessed = .actionLevel
      accounts[withoutAnalyzer[1]].lastAccessed = .serviceLevel
    }
    let analysed = accounts.indices.filter { accounts[$0].hasAnalyzer && accounts[$0].principals >= 3 }
    // Summaries in an account whose findings are JSON Lines, so the two finding forms stay apart.
    let summaryPool = analysed.filter { !accounts[$0].findingsAsArray && accounts[$0].principals >= 5 }
    if let chosen = pick(summaryPool.isEmpty ? analysed : summaryPool) {
      accounts[chosen].findingSummaries = true
    }
    if let chosen = pick(exporting) { accounts[chosen].rootAccessKey = true }
    if let chosen = pick(analysed.filter { accounts[$0].lastAccessed != nil }) {
      accounts[chosen].lastAccessedJobProblems = true
    }
    // Recommendations go wrong where there are most of them: the biggest analysed account.
    if let biggest = analysed.max(by: { accounts[$0].principals < accounts[$1].principals }) {
      accounts[biggest].recommendationProblems = true
    }
  }

  /// The removal chance for a team in the month that ends at snapshot `index`: the team's
  /// profile, higher in the last month of a quarter (reviews are due), and varying from quarter
  /// to quarter so that no two quarters look alike.
  func removalRate(team: Int, snapshot index: Int) -> Double {
    let profile = teams[team].profile
    let late = index * 2 >= snapshotDays.count
    var rate = late ? profile.lateRemoval : profile.earlyRemoval
    let day = snapshotDays[index]
    if day.month % 3 == 0 { rate *= 1.6 }
    let quarter = Quarter(containing: day)
    var jitter = SplitMix64(
      options.seed, 0x0051_7A7E, UInt64(team), UInt64(quarter.year * 4 + quarter.number))
    rate *= 0.6 + 0.8 * jitter.unit()
    return min(rate, 0.85)
  }
}

import Model

/// An archived (accepted) or open piece of unused access at the newest snapshot, from which the
/// review files pick their exceptions.
struct ExceptionCandidate: Sendable {
  let owner: Int
  let arn: String
  /// `service:Action`, `service:*`, or nil for the whole principal.
  let permission: String?
  let archived: Bool
}

/// What one account's generation produced, merged into the summary afterwards.
struct AccountResult: Sendable {
  var files = 0
  var bytes = 0
  /// Teams (or -1) whose principals live in this account, in first-seen order.
  var owners: [Int] = []
  /// Open unused permissions per owner slot and snapshot: `[slot * snapshots + snapshot]`.
  var openCounts: [Int] = []
  /// Principals per owner slot in the newest inventory.
  var principalsByOwner: [Int] = []
  var roles = 0
  var users = 0
  var active = 0
  var archived = 0
  var resolved = 0
  var unusedRoles = 0
  var unusedKeys = 0
  var unusedPasswords = 0
  var candidates: [ExceptionCandidate] = []
  var sources = SampleSourceCounts()
}

/// Generates one account's principals and evolves them snapshot by snapshot, writing each
/// snapshot's files as it goes, so memory holds one account's current state and one file's text.
///
/// Every random choice comes from a generator seeded by the account (when building principals)
/// or by the principal and snapshot (when evolving), so accounts can run in parallel in any order
/// and produce the same bytes.
final class AccountSimulation {
  let plan: OrganizationPlan
  let account: AccountPlan
  let seed: UInt64
  let days: [Day]
  /// Sorted by (user?, name), as IAM lists them.
  var principals: [SimPrincipal] = []

  /// Scales every unused-permission rate so that the organisation averages about ten open unused
  /// permissions per principal (the SEC03-BP04 example and the benchmark's 1M at 100k principals).
  static let unusedScale = 1.0
  /// Mean unused permissions of a role created during the history, relative to breadth.
  static let newPrincipalMean = 8.0
  /// Monthly chance that an open permission finding is accepted as an exception.
  static let archiveRate = 0.002

  init(plan: OrganizationPlan, account index: Int) {
    self.plan = plan
    self.account = plan.accounts[index]
    self.seed = plan.options.seed
    self.days = plan.snapshotDays
    buildPrincipals()
  }

  // MARK: time

  static let dayMilliseconds: Int64 = 86_400_000

  func start(of day: Day) -> Int64 { Int64(day.daysSinceEpoch) * AccountSimulation.dayMilliseconds }

  /// A random instant on one of the days strictly between the previous snapshot and this one.
  func eventTime(_ snapshot: Int, _ rng: inout SplitMix64) -> Int64 {
    let upper = days[snapshot].daysSinceEpoch - 1
    let lower = snapshot > 0 ? min(days[snapshot - 1].daysSinceEpoch + 1, upper) : upper - 27
    let day = rng.within(lower...upper)
    return Int64(day) * AccountSimulation.dayMilliseconds + Int64(rng.below(86_400_000))
  }

  /// A random instant between `from` and `to` days before the first snapshot, but after `notBefore`.
  func pastTime(daysBefore range: ClosedRange<Int>, notBefore: Int64, _ rng: inout SplitMix64) -> Int64 {
    let base = start(of: days[0])
    let time =
      base - Int64(rng.within(range)) * AccountSimulation.dayMilliseconds + Int64(rng.below(86_400_000))
    return max(time, min(notBefore + AccountSimulation.dayMilliseconds, base - 3_600_000))
  }

  /// When Access Analyzer scanned this account for the snapshot: early morning, before the export.
  func analyzedAt(_ snapshot: Int) -> Int64 {
    var rng = SplitMix64(seed, 0xA4A1, UInt64(account.index), UInt64(snapshot))
    return start(of: days[snapshot]) + 3 * 3_600_000 + Int64(rng.below(3_600_000))
  }

  /// A last use that makes an action unused at `snapshot`: more than 90 days before it, but
  /// (after the first snapshot) within 90 days of the previous one, so it was not already unused
  /// there. -1 (never used) when the principal is too young to have used it then.
  func lastAccessedForNewlyUnused(_ p: SimPrincipal, _ snapshot: Int, initial: Bool, _ rng: inout SplitMix64)
    -> Int64
  {
    let snapshotDay = days[snapshot].daysSinceEpoch
    let daysBack: Int
    if initial || snapshot == 0 {
      daysBack = rng.within(91...420)
    } else {
      let gap = max(1, snapshotDay - days[snapshot - 1].daysSinceEpoch)
      daysBack = rng.within(91...(90 + gap))
    }
    let time =
      Int64(snapshotDay - daysBack) * AccountSimulation.dayMilliseconds + Int64(rng.below(86_400_000))
    return time > p.createdAt ? time : -1
  }

  // MARK: building principals

  /// A principal before ids and order are assigned.
  private struct Draft {
    var purpose: Purpose
    var name: String
    var path = "/"
    var tags: [TagPair] = []
    var trust = Trust.ecsTasks
    var managed: UInt8 = 0
    var boundary = false
    var breadth = 1.0
    var dormant = false
    var born = 0
    var dies = Int.max
  }

  /// Role names of one team, in the same order in each of its accounts, so that prod and staging
  /// run the same workloads under the same names.
  private struct RoleNamer {
    let team: TeamPlan
    var rng: SplitMix64
    var taken = Set<String>()
    var count = 0

    init(team: TeamPlan, seed: UInt64) {
      self.team = team
      rng = SplitMix64(seed, 0x4A3E, UInt64(team.index))
    }

    mutating func next() -> String {
      defer { count += 1 }
      if count < team.roleNames.count {
        taken.insert(team.roleNames[count])
        return team.roleNames[count]
      }
      for attempt in 0..<40 {
        var name = team.id + "-" + rng.pick(Catalog.roleNouns) + "-" + rng.pick(Catalog.roleKinds)
        if attempt >= 20 { name += "-" + String(count) }
        // IAM role names are at most 64 characters.
        if name.utf8.count > 64 { name = String(name.prefix(56)) + "-" + String(count) }
        if taken.insert(name).inserted { return name }
      }
      return team.id + "-role-" + String(count)
    }
  }

  private func buildPrincipals() {
    var rng = SplitMix64(seed, 0xACC7, UInt64(account.index))
    let target = account.principals
    let snapshots = days.count
    var drafts: [Draft] = []
    var userNames = Set<String>()

    func humanName() -> String {
      for attempt in 0..<100 {
        var name = rng.pick(Catalog.userFirstNames) + "." + rng.pick(Catalog.userLastNames)
        if attempt >= 50 { name += String(attempt) }
        if userNames.insert(name).inserted { return name }
      }
      return "user" + String(userNames.count)
    }
    func env(_ value: String) -> TagPair { TagPair(key: "env", value: value) }

    switch account.kind {
    case .team(let environment):
      let team = plan.teams[account.team!]
      let byAccount = team.rule == .account
      let byGlob = team.rule == .arnGlob
      var namer = RoleNamer(team: team, seed: seed)
      var fixed: [Draft] = []
      if target >= 3 {
        var draft = Draft(purpose: .organizationAccess, name: "OrganizationAccountAccessRole")
        draft.trust = .organization
        draft.managed = ManagedPolicy.administratorAccess.bit
        draft.breadth = 0
        draft.dormant = true
        if !byAccount, !byGlob, rng.chance(0.7) { draft.tags = [TagPair(key: "owner", value: team.id)] }
        fixed.append(draft)
      }
      if target >= 5, environment != "dev" {
        var draft = Draft(purpose: .deploy, name: "github-actions-deploy")
        draft.trust = .githubActions
        draft.breadth = 2.5 + 1.5 * rng.unit()
        draft.tags = [TagPair(key: "owner", value: team.id), env(environment)]
        fixed.append(draft)
      }
      if target >= 20 {
        var draft = Draft(purpose: .serviceLinked, name: "AWSServiceRoleForSupport")
        draft.path = "/aws-service-role/support.amazonaws.com/"
        draft.trust = .support
        draft.managed = ManagedPolicy.supportServiceRole.bit
        draft.breadth = 0
        fixed.append(draft)
      }
      if target >= 30 {
        var draft = Draft(purpose: .serviceLinked, name: "AWSServiceRoleForAccessAnalyzer")
        draft.path = "/aws-service-role/access-analyzer.amazonaws.com/"
        draft.trust = .accessAnalyzer
        draft.managed = ManagedPolicy.accessAnalyzerServiceRole.bit
        draft.breadth = 0
        fixed.append(draft)
      }
      let userCount = target >= 8 ? max(1, target * 8 / 100) : 0
      var users: [Draft] = []
      for index in 0..<userCount {
        let machine = index == 0 || index == 2 || index % 5 == 4
        if machine {
          let base =
            index == 0 ? "ci-deployer" : index == 2 ? "legacy-jenkins" : rng.pick(Catalog.roleNouns) + "-svc"
          var name = index == 2 && !byGlob ? base : team.id + "-" + base
          if !userNames.insert(name).inserted { name += "-" + String(index) }
          _ = userNames.insert(name)
          var draft = Draft(purpose: .serviceUser, name: name)
          draft.breadth = 0.8
          if !byGlob, !byAccount { draft.tags = [TagPair(key: "team", value: team.id)] }
          users.append(draft)
        } else {
          var draft = Draft(purpose: .human, name: humanName())
          if rng.chance(0.75) { draft.tags = [TagPair(key: "owner", value: team.id)] }
          users.append(draft)
        }
      }
      // Workload roles: the survivors, then roles deleted during the history.
      let workloadCount = max(0, target - fixed.count - users.count)
      let deleted =
        snapshots >= 2 ? rng.roundStochastically(Double(target) * 0.012 * Double(snapshots - 1)) : 0
      var workloads: [Draft] = []
      for index in 0..<(workloadCount + deleted) {
        let name = namer.next()
        var draft = Draft(purpose: .workload, name: name)
        draft.trust = Trust.guess(from: name)
        draft.breadth = rng.pick([0.3, 0.5, 0.7, 0.9, 1, 1.1, 1.3, 1.8, 2.6])
        if draft.trust == .lambda { draft.managed |= ManagedPolicy.lambdaBasicExecution.bit }
        if rng.chance(0.7) { draft.managed |= ManagedPolicy.baseline.bit }
        draft.boundary = account.hasBoundary && rng.chance(0.5)
        if !byGlob {
          let roll = rng.below(100)
          if roll < 10 { draft.path = "/service-role/" } else if roll < 14 { draft.path = "/app/" }
        }
        var tags: [TagPair] = []
        if byGlob {
          if rng.chance(0.3) { tags.append(TagPair(key: "team", value: team.id)) }
        } else if byAccount {
          if rng.chance(0.5) { tags.append(TagPair(key: "team", value: team.id)) }
        } else {
          let roll = rng.below(100)
          if roll < 88 {
            tags.append(TagPair(key: "team", value: team.id))
          } else if roll < 98 {
            tags.append(TagPair(key: "owner", value: team.id))
          } else if roll < 99 {
            // A team that was merged away: the tag names no team any more.
            tags.append(TagPair(key: "team", value: "legacy-billing"))
          }
        }
        tags.append(env(environment))
        if rng.chance(0.35) { tags.append(TagPair(key: "cost-center", value: team.costCenter)) }
        draft.tags = tags
        if index >= workloadCount {
          draft.dormant = rng.chance(0.6)
          draft.dies = rng.within(1...(snapshots - 1))
        } else {
          draft.dormant = rng.chance(0.04)
        }
        workloads.append(draft)
      }
      // The newest workloads were created during the history.
      if snapshots >= 2 {
        let later = rng.roundStochastically(Double(workloadCount) * min(0.3, 0.015 * Double(snapshots - 1)))
        let eligible = max(0, workloadCount - 2)
        for offset in 0..<min(later, eligible) {
          let index = workloadCount - 1 - offset
          workloads[index].born = rng.within(1...(snapshots - 1))
          workloads[index].dormant = false
        }
      }
      drafts = fixed + users + workloads

    case .shared:
      if target >= 3 {
        var draft = Draft(purpose: .organizationAccess, name: "OrganizationAccountAccessRole")
        draft.trust = .organization
        draft.managed = ManagedPolicy.administratorAccess.bit
        draft.breadth = 0
        draft.dormant = true
        drafts.append(draft)
      }
      if target >= 4 {
        var draft = Draft(purpose: .workload, name: "shared-artifact-mirror")
        draft.trust = .ecsTasks
        draft.breadth = 1.2
        draft.tags = [env("shared")]
        drafts.append(draft)
      }
      var round = 0
      while drafts.count < target {
        for team in plan.teams where drafts.count < target {
          let suffixes = ["ci-deploy", "release-publisher", "terraform-plan"]
          let suffix = round < suffixes.count ? suffixes[round] : "ci-deploy-" + String(round)
          var draft = Draft(purpose: round == 0 ? .deploy : .workload, name: team.id + "-" + suffix)
          draft.trust = .githubActions
          draft.breadth = round == 0 ? 2 + rng.unit() : 1
          draft.tags = [TagPair(key: rng.chance(0.7) ? "team" : "owner", value: team.id), env("shared")]
          drafts.append(draft)
        }
        round += 1
      }

    case .sandbox:
      if target >= 3 {
        var draft = Draft(purpose: .organizationAccess, name: "OrganizationAccountAccessRole")
        draft.trust = .organization
        draft.managed = ManagedPolicy.administratorAccess.bit
        draft.breadth = 0
        draft.dormant = true
        drafts.append(draft)
      }
      var roleCount = 0
      while drafts.count < target {
        if drafts.count % 2 == 1 {
          var draft = Draft(purpose: .human, name: humanName())
          draft.breadth = 1.3
          drafts.append(draft)
        } else {
          let name =
            roleCount < Catalog.sandboxRoles.count
            ? Catalog.sandboxRoles[roleCount] : "sandbox-experiment-" + String(roleCount)
          roleCount += 1
          var draft = Draft(purpose: .workload, name: name)
          draft.trust = Trust.guess(from: name)
          draft.breadth = rng.pick([0.5, 1, 1.5, 3])
          let roll = rng.below(100)
          if roll < 15 {
            draft.tags = [TagPair(key: "team", value: "legacy-billing")]
          } else if roll < 30 {
            draft.tags = [TagPair(key: "owner", value: rng.pick(plan.teams).id)]
          }
          draft.dormant = rng.chance(0.1)
          drafts.append(draft)
        }
      }
    }

    // IAM lists users and roles by name; ordinals follow that order.
    drafts.sort { a, b in
      a.purpose.isUser != b.purpose.isUser ? !a.purpose.isUser : a.name < b.name
    }
    principals.reserveCapacity(drafts.count)
    for (ordinal, draft) in drafts.enumerated() {
      principals.append(makePrincipal(draft, ordinal: ordinal, &rng))
    }
  }

  private func makePrincipal(_ draft: Draft, ordinal: Int, _ rng: inout SplitMix64) -> SimPrincipal {
    let isUser = draft.purpose.isUser
    let arn =
      "arn:aws:iam::" + account.id + ":" + (isUser ? "user" : "role") + draft.path + draft.name
    let createdAt: Int64
    if draft.born == 0 {
      let age = draft.purpose == .organizationAccess ? rng.within(900...2000) : rng.within(150...1800)
      createdAt =
        start(of: days[0]) - Int64(age) * AccountSimulation.dayMilliseconds
        + Int64(rng.below(86_400_000))
    } else {
      createdAt = eventTime(draft.born, &rng) - 3 * AccountSimulation.dayMilliseconds
    }
    var principal = SimPrincipal(
      ordinal: ordinal, purpose: draft.purpose, name: draft.name, path: draft.path, arn: arn,
      uniqueID: Identifiers.awsID(
        isUser ? "AIDA" : "AROA", Mix.hash(seed, UInt64(account.index), UInt64(ordinal), 1)),
      createdAt: createdAt / 1000 * 1000, tags: draft.tags,
      owner: owner(name: draft.name, path: draft.path, isUser: isUser, tags: draft.tags),
      trust: draft.trust, managed: draft.managed, hasBoundary: draft.boundary, born: draft.born,
      dies: draft.dies,
      breadth: draft.breadth, actionAsString: rng.chance(0.5), statementAsObject: rng.chance(0.3),
      statementIDs: rng.chance(0.5),
      resourceStem: draft.name.lowercased())
    principal.dormant = draft.dormant
    // From a hash rather than `rng`, so that every earlier choice stays as it was.
    principal.splitPolicies =
      draft.breadth > 0 && Mix.hash(seed, UInt64(account.index), UInt64(ordinal), 0x5_9117) % 100 < 35
    return principal
  }

  /// The team `teams.yml` gives this principal, decided as `TeamDirectory` does (the first team in
  /// file order with a matching account, ARN glob, tag rule or owner tag wins), computed as the
  /// smallest index among the teams that match.
  func owner(name: String, path: String, isUser: Bool, tags: [TagPair]) -> Int {
    var best = Int.max
    if let team = account.team, plan.teams[team].rule == .account { best = team }
    if let glob = plan.globTeam, path == "/", name.hasPrefix(plan.teams[glob].id + "-") {
      best = min(best, glob)
    }
    for tag in tags where tag.key == "team" || tag.key == "owner" {
      if let team = plan.teamIndexByID[tag.value] { best = min(best, team) }
    }
    return best == Int.max ? -1 : best
  }

  // MARK: evolution

  /// Brings every principal alive at `snapshot` to its state there.
  func advance(to snapshot: Int) {
    let rate = account.team.map { plan.removalRate(team: $0, snapshot: snapshot) }
    // Looked up by owner, never iterated.
    var rates: [Int: Double] = [:]
    for index in principals.indices where principals[index].isAlive(at: snapshot) {
      var rng = SplitMix64(seed, UInt64(account.index), UInt64(index), UInt64(snapshot) &+ 0x5A5A_0000)
      let owner = principals[index].owner
      var removal = rate ?? 0.03
      if owner >= 0 {
        if let known = rates[owner] {
          removal = known
        } else {
          removal = plan.removalRate(team: owner, snapshot: snapshot)
          rates[owner] = removal
        }
      }
      if principals[index].born == snapshot {
        initialize(&principals[index], snapshot, &rng)
      } else {
        step(&principals[index], snapshot, removal: removal, &rng)
      }
    }
  }

  private func profile(of p: SimPrincipal) -> Profile {
    if p.owner >= 0 { return plan.teams[p.owner].profile }
    return Profile.all[2]
  }

  private func initialize(_ p: inout SimPrincipal, _ snapshot: Int, _ rng: inout SplitMix64) {
    let initial = snapshot == 0
    let eventAt =
      initial ? pastTime(daysBefore: 1...330, notBefore: p.createdAt, &rng) : eventTime(snapshot, &rng)
    // What the policy grants and the workload uses.
    if p.purpose == .workload || p.purpose == .deploy || p.purpose.isUser {
      let services = p.purpose == .deploy ? rng.within(2...4) : rng.within(1...2)
      for _ in 0..<services { addUsedGrant(&p, &rng) }
    }
    if !p.purpose.isUser {
      p.lastUsedRegion = rng.chance(0.9) ? account.region : rng.pick(Catalog.regions)
    }
    if p.dormant {
      if p.purpose != .serviceLinked {
        let never = p.purpose == .organizationAccess ? rng.chance(0.7) : rng.chance(0.5)
        if !never {
          let time =
            start(of: days[snapshot]) - Int64(rng.within(100...400)) * AccountSimulation.dayMilliseconds
          p.lastUsed = time > p.createdAt ? time : -1
        }
        p.roleFinding.open(at: eventAt, lastAccessed: p.lastUsed)
        // A break-glass role is a typical accepted exception.
        if p.purpose == .organizationAccess, rng.chance(0.15) { p.roleFinding.archive(at: eventAt) }
      }
    } else if !p.purpose.isUser {
      p.lastUsed = recentUse(p, snapshot, &rng)
    }
    if p.breadth > 0, !p.dormant {
      let mean =
        (initial ? profile(of: p).initialMean : AccountSimulation.newPrincipalMean) * p.breadth
        * AccountSimulation.unusedScale
      for _ in 0..<rng.poisson(mean) { _ = addUnused(&p, snapshot, initial: true, &rng) }
      if p.unusedTotal > 0 {
        p.permissionFinding.open(at: eventAt)
        if initial, rng.chance(0.015) { p.permissionFinding.archive(at: eventAt) }
      }
    }
    if p.purpose == .serviceUser {
      let keys = rng.chance(0.25) ? 2 : 1
      let legacy = p.name.hasSuffix("legacy-jenkins")
      for _ in 0..<keys {
        addAccessKey(&p, snapshot, unused: legacy || (initial && rng.chance(0.15)), eventAt: eventAt, &rng)
      }
    } else if p.purpose == .human {
      if rng.chance(0.4) {
        addAccessKey(&p, snapshot, unused: initial && rng.chance(0.3), eventAt: eventAt, &rng)
      }
      var password = Credential(keyID: "", lastUsed: recentUse(p, snapshot, &rng))
      // Console passwords of people who moved to SSO are the classic forgotten credential.
      if initial, rng.chance(0.5) {
        password.lastUsed = lastAccessedForNewlyUnused(p, snapshot, initial: true, &rng)
        password.finding.open(at: eventAt, lastAccessed: password.lastUsed)
      }
      password.createdAt = credentialCreated(p, snapshot, serial: 0x50, lastUsed: password.lastUsed)
      p.password = password
    }
  }

  private func recentUse(_ p: SimPrincipal, _ snapshot: Int, _ rng: inout SplitMix64) -> Int64 {
    let time = start(of: days[snapshot]) - Int64(rng.within(3_600_000...(3 * 86_400_000)))
    return max(time, p.createdAt + 3_600_000)
  }

  private func addAccessKey(
    _ p: inout SimPrincipal, _ snapshot: Int, unused: Bool, eventAt: Int64, _ rng: inout SplitMix64
  ) {
    let id = Identifiers.awsID(
      "AKIA", Mix.hash(seed, UInt64(account.index), UInt64(p.ordinal), 100 + UInt64(p.accessKeys.count)))
    var key = Credential(keyID: id, lastUsed: recentUse(p, snapshot, &rng))
    if unused {
      key.lastUsed = rng.chance(0.3) ? -1 : lastAccessedForNewlyUnused(p, snapshot, initial: true, &rng)
      key.finding.open(at: eventAt, lastAccessed: key.lastUsed)
    }
    key.createdAt = credentialCreated(
      p, snapshot, serial: 0x100 + UInt64(p.accessKeys.count), lastUsed: key.lastUsed)
    p.accessKeys.append(key)
  }

  /// When a credential given to `p` at `snapshot` was created: for principals that predate the
  /// history, 100 to 900 days before the first snapshot (so a never-used one is old enough to be
  /// unused), otherwise just after the principal; never before the principal nor after the
  /// credential's first use. Drawn from a hash, so the evolution's generator is left alone.
  private func credentialCreated(_ p: SimPrincipal, _ snapshot: Int, serial: UInt64, lastUsed: Int64) -> Int64
  {
    var own = SplitMix64(seed, UInt64(account.index), UInt64(p.ordinal), 0xC2ED_0000 + serial)
    var time: Int64
    if snapshot == 0 {
      time =
        start(of: days[0]) - Int64(own.within(100...900)) * AccountSimulation.dayMilliseconds
        + Int64(own.below(86_400_000))
    } else {
      time = p.createdAt + Int64(own.within(3_600_000...(2 * 86_400_000)))
    }
    time = max(time, p.createdAt + Int64(own.within(60_000...(6 * 3_600_000))))
    if lastUsed >= 0 { time = min(time, lastUsed - 60_000) }
    return max(time, p.createdAt) / 1000 * 1000
  }

  /// Grants one service the principal uses.
  private func addUsedGrant(_ p: inout SimPrincipal, _ rng: inout SplitMix64) {
    let service = rng.weighted(Catalog.serviceWeights, total: Catalog.serviceWeightTotal)
    let spec = Catalog.services[service]
    var grant: ServiceGrant
    if let index = p.grantIndex(of: service) {
      if spec.serviceLevelOnly { return }
      grant = p.grants.remove(at: index)
    } else {
      grant = ServiceGrant(service: service)
      grant.wildcard = spec.serviceLevelOnly && rng.chance(0.3)
    }
    for _ in 0..<rng.within(1...3) {
      let action = UInt16(rng.below(spec.actions.count))
      if !grant.grants(action) { grant.insertUsed(action) }
    }
    p.insertGrant(grant)
  }

  /// Adds one unused permission: a used action that fell out of use, a new grant never used,
  /// a whole service never used, or (a regression) an action removed earlier granted again.
  /// Returns false when nothing could be added.
  @discardableResult
  private func addUnused(_ p: inout SimPrincipal, _ snapshot: Int, initial: Bool, _ rng: inout SplitMix64)
    -> Bool
  {
    for _ in 0..<6 {
      if !initial, !p.removedHistory.isEmpty, rng.chance(0.12) {
        let code = p.removedHistory.remove(at: rng.below(p.removedHistory.count))
        let service = Int(code >> 16)
        let action = UInt16(code & 0xFFFF)
        var grant =
          p.grantIndex(of: service).map { p.grants.remove(at: $0) } ?? ServiceGrant(service: service)
        if !grant.grants(action) {
          grant.insertUnused(UnusedAction(action: action, lastAccessed: -1))
          p.insertGrant(grant)
          return true
        }
        p.insertGrant(grant)
        continue
      }
      let service = rng.weighted(Catalog.serviceWeights, total: Catalog.serviceWeightTotal)
      let spec = Catalog.services[service]
      let existing = p.grantIndex(of: service)
      if spec.serviceLevelOnly {
        if existing != nil { continue }
        var grant = ServiceGrant(service: service)
        grant.wildcard = rng.chance(0.3)
        for _ in 0..<rng.within(2...5) {
          let action = UInt16(rng.below(spec.actions.count))
          if !grant.grants(action) { grant.insertUnused(UnusedAction(action: action, lastAccessed: -1)) }
        }
        grant.lastAccessed =
          rng.chance(0.4) ? -1 : lastAccessedForNewlyUnused(p, snapshot, initial: initial, &rng)
        p.insertGrant(grant)
        return true
      }
      var grant = existing.map { p.grants.remove(at: $0) } ?? ServiceGrant(service: service)
      if grant.used.count >= 2, rng.chance(0.5) {
        let action = grant.used.remove(at: rng.below(grant.used.count))
        let lastAccessed = lastAccessedForNewlyUnused(p, snapshot, initial: initial, &rng)
        grant.insertUnused(UnusedAction(action: action, lastAccessed: lastAccessed))
        p.insertGrant(grant)
        return true
      }
      var added = false
      for _ in 0..<8 {
        let action = UInt16(rng.below(spec.actions.count))
        if !grant.grants(action) {
          // A grant added this month cannot have been used 90 days ago; one that predates the
          // history may have been used once, long ago.
          let lastAccessed =
            initial && rng.chance(0.4) ? lastAccessedForNewlyUnused(p, snapshot, initial: true, &rng) : -1
          grant.insertUnused(UnusedAction(action: action, lastAccessed: lastAccessed))
          added = true
          break
        }
      }
      if !grant.isEmpty { p.insertGrant(grant) }
      if added { return true }
    }
    return false
  }

  private func step(_ p: inout SimPrincipal, _ snapshot: Int, removal: Double, _ rng: inout SplitMix64) {
    let eventAt = eventTime(snapshot, &rng)
    // Roles in use stay in use; a dormant role is occasionally picked up again.
    p.roleFinding.advance()
    if p.dormant, p.purpose == .workload, p.roleFinding.phase == .active, rng.chance(0.03) {
      p.dormant = false
      p.roleFinding.resolve(at: eventAt, reportedFor: 1)
    }
    if !p.dormant, !p.purpose.isUser {
      p.lastUsed = recentUse(p, snapshot, &rng)
    }
    stepPermissions(&p, snapshot, removal: removal, eventAt: eventAt, &rng)
    for index in p.accessKeys.indices {
      stepCredential(&p.accessKeys[index], p, snapshot, removal: removal, eventAt: eventAt, &rng)
    }
    if var password = p.password {
      stepCredential(&password, p, snapshot, removal: removal, eventAt: eventAt, &rng)
      p.password = password
    }
  }

  private func stepPermissions(
    _ p: inout SimPrincipal, _ snapshot: Int, removal: Double, eventAt: Int64, _ rng: inout SplitMix64
  ) {
    p.permissionFinding.advance()
    if p.permissionFinding.phase == .none { p.resolvedGrants = [] }
    guard p.breadth > 0, !p.dormant else { return }
    switch p.permissionFinding.phase {
    case .archived, .resolved:
      return
    case .active:
      if rng.chance(AccountSimulation.archiveRate) {
        p.permissionFinding.archive(at: eventAt)
        return
      }
      var removed: [ServiceGrant] = []
      for index in p.grants.indices.reversed() where !p.grants[index].unused.isEmpty {
        guard rng.chance(removal) else { continue }
        let spec = Catalog.services[p.grants[index].service]
        var gone = ServiceGrant(service: p.grants[index].service)
        gone.lastAccessed = p.grants[index].lastAccessed
        if spec.serviceLevelOnly || rng.chance(0.65) {
          gone.unused = p.grants[index].unused
          p.grants[index].unused = []
        } else {
          var kept: [UnusedAction] = []
          for item in p.grants[index].unused {
            if rng.chance(0.5) { gone.unused.append(item) } else { kept.append(item) }
          }
          if gone.unused.isEmpty {
            gone.unused.append(kept.removeLast())
          }
          p.grants[index].unused = kept
        }
        if !spec.serviceLevelOnly {
          for item in gone.unused {
            p.removedHistory.append(UInt32(gone.service) << 16 | UInt32(item.action))
          }
          if p.removedHistory.count > 24 { p.removedHistory.removeFirst(p.removedHistory.count - 24) }
        }
        removed.append(gone)
        if p.grants[index].isEmpty { p.grants.remove(at: index) }
      }
      if !removed.isEmpty {
        if p.unusedTotal == 0 {
          p.permissionFinding.resolve(at: eventAt, reportedFor: rng.within(1...2))
          p.resolvedGrants = removed.sorted { $0.service < $1.service }
          return
        }
        p.permissionFinding.updatedAt = eventAt
      }
    case .none:
      break
    }
    let arrivals = rng.poisson(profile(of: p).arrivals * p.breadth * AccountSimulation.unusedScale)
    var added = 0
    for _ in 0..<arrivals {
      if addUnused(&p, snapshot, initial: false, &rng) { added += 1 }
    }
    if added > 0 {
      if p.permissionFinding.phase == .none {
        p.permissionFinding.open(at: eventAt)
      } else {
        p.permissionFinding.updatedAt = max(p.permissionFinding.updatedAt, eventAt)
      }
    }
  }

  private func stepCredential(
    _ credential: inout Credential, _ p: SimPrincipal, _ snapshot: Int, removal: Double, eventAt: Int64,
    _ rng: inout SplitMix64
  ) {
    credential.finding.advance()
    guard !credential.removed else { return }
    switch credential.finding.phase {
    case .active:
      if rng.chance(removal * 0.7) {
        credential.removed = true
        credential.finding.resolve(at: eventAt, reportedFor: rng.within(1...2))
      }
    case .none:
      if rng.chance(0.02) {
        credential.lastUsed = lastAccessedForNewlyUnused(p, snapshot, initial: false, &rng)
        credential.finding.open(at: eventAt, lastAccessed: credential.lastUsed)
      } else {
        credential.lastUsed = recentUse(p, snapshot, &rng)
      }
    case .archived, .resolved:
      break
    }
  }
}

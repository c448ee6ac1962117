import Analysis
import Foundation
import Model

/// One line of a before/after policy diff.
struct DiffLineModel: Sendable {
  var text: String
  var isAdded: Bool
  var isRemoved: Bool
  var isSame: Bool
  /// A run of unchanged lines left out; `text` says how many.
  var isSkipped: Bool
}

/// One policy's proposed change on a principal page.
struct PolicyChangeModel: Sendable {
  var name: String
  var arn: String
  var hasARN: Bool
  var kindLabel: String
  var origin: String
  var removed: String
  var hasRemoved: Bool
  var notes: [String]
  var hasNotes: Bool
  var diff: [DiffLineModel]
  var hasDiff: Bool
  var afterJSON: String
  var hasAfter: Bool
}

/// The unused items of one service, or of the principal's credentials.
struct ItemGroupModel: Sendable {
  var title: String
  var count: String
  var items: [ItemModel]
}

/// `teams/TEAM/principals/NAME.html`.
struct PrincipalPageModel: Sendable {
  var name: String
  var kind: String
  var arn: String
  var account: String
  var path: String
  var created: String
  var lastUsed: String
  var isInInventory: Bool
  var tags: [TagModel]
  var hasTags: Bool
  var teamName: String
  var teamHref: String
  var snapshot: String
  var summary: String
  var groups: [ItemGroupModel]
  var accepted: [ItemModel]
  var hasAccepted: Bool
  var recommendationNote: String
  var hasRecommendationNote: Bool
  var policyChanges: [PolicyChangeModel]
  var hasPolicyChanges: Bool
  var policiesNote: String
}

extension PageBuilder {
  /// The page of one principal with unused access.
  func principalPage(_ report: PrincipalReport, team: TeamReport) -> PrincipalPageModel {
    let principal = report.principal
    var groups: [ItemGroupModel] = []
    let permissions = report.items.filter { $0.kind == .permission }
    // The items come in page order, by service: each service's items are one run of them.
    var start = permissions.startIndex
    while start < permissions.endIndex {
      let service = permissions[start].service
      var end = start + 1
      while end < permissions.endIndex, permissions[end].service == service { end += 1 }
      groups.append(
        ItemGroupModel(
          title: service, count: Format.counted(end - start, "unused permission", "unused permissions"),
          items: permissions[start..<end].map(itemModel)))
      start = end
    }
    let others = report.items.filter { $0.kind != .permission }
    if !others.isEmpty {
      groups.append(
        ItemGroupModel(
          title: "Role and credentials", count: Format.counted(others.count, "item", "items"),
          items: others.map(itemModel)))
    }
    var recommendationNote = ""
    if let dated = report.recommendations {
      let recommendation = dated.recommendations
      switch recommendation.status {
      case "SUCCEEDED":
        recommendationNote =
          "Access Analyzer's recommendation of \(dated.day.iso) is shown where it covers a policy."
      case "FAILED":
        recommendationNote =
          "Access Analyzer could not make a recommendation (\(dated.day.iso))"
          + (recommendation.errorMessage.map { ": \($0)" } ?? "") + "; the changes below are computed here."
      default:
        recommendationNote = "Access Analyzer's recommendation was still being generated on \(dated.day.iso)."
      }
    }
    let changes = report.policyChanges.map(policyChangeModel)
    let policiesNote: String
    if principal.policies.isEmpty {
      policiesNote =
        "No policy documents are known for this principal: export `aws iam get-account-authorization-details` to see the policy as it would be after removing the unused actions."
    } else if changes.isEmpty {
      policiesNote =
        "None of its policies lists the unused actions by name, so no edit is proposed; remove them where they are granted."
    } else {
      policiesNote = ""
    }
    return PrincipalPageModel(
      name: principal.name, kind: kindName(principal.kind), arn: principal.arn, account: principal.accountID,
      path: principal.path, created: Format.day(principal.createdOn, otherwise: "unknown"),
      lastUsed: lastUsedText(principal), isInInventory: principal.isInInventory,
      tags: principal.tags.map { TagModel(key: $0.key, value: $0.value) }, hasTags: !principal.tags.isEmpty,
      teamName: team.team.name, teamHref: "../index.html",
      snapshot: self.report.snapshot?.iso ?? "", summary: principalSummary(report), groups: groups,
      accepted: report.acceptedItems.map(itemModel), hasAccepted: !report.acceptedItems.isEmpty,
      recommendationNote: recommendationNote, hasRecommendationNote: !recommendationNote.isEmpty,
      policyChanges: changes, hasPolicyChanges: !changes.isEmpty, policiesNote: policiesNote)
  }

  func policyChangeModel(_ change: PolicyChange) -> PolicyChangeModel {
    let kindLabel: String =
      switch change.kind {
      case .replace: "Replace it with the narrower document below"
      case .detach: "Detach it: nothing it allows is used"
      case .unchanged: "No edit proposed"
      }
    let origin: String =
      switch change.origin {
      case .recommendation(let day): "Access Analyzer's recommendation of \(day.iso)"
      case .computed: "Computed by removing the unused actions"
      }
    let before = change.before?.json ?? ""
    let after = change.after?.json ?? ""
    let diff =
      change.kind == .unchanged || before.isEmpty
      ? [] : LineDiff.hunks(LineDiff.lines(from: before, to: after))
    return PolicyChangeModel(
      name: change.policyName, arn: change.policyARN ?? "", hasARN: change.policyARN != nil,
      kindLabel: kindLabel,
      origin: origin, removed: change.removedActions.joined(separator: ", "),
      hasRemoved: !change.removedActions.isEmpty, notes: change.notes, hasNotes: !change.notes.isEmpty,
      diff: diff.map {
        DiffLineModel(
          text: String($0.text), isAdded: $0.change == .added, isRemoved: $0.change == .removed,
          isSame: $0.change == .same, isSkipped: $0.change == .skipped)
      }, hasDiff: !diff.isEmpty, afterJSON: after, hasAfter: !after.isEmpty)
  }
}

/// A line-by-line diff (longest common subsequence), enough for policy documents of a few hundred lines.
enum LineDiff {
  enum Change: Equatable {
    case same, added, removed
    /// Unchanged lines left out of a diff shown as hunks.
    case skipped
  }

  struct Line: Equatable {
    var change: Change
    /// The line, sharing the document's storage: most lines of a long policy are left out of the
    /// hunks shown, and need no string of their own.
    var text: Substring
  }

  /// The diff with each change shown among `context` unchanged lines on either side, and longer
  /// runs of unchanged lines replaced by one `.skipped` line saying how many there are: a long
  /// policy with two actions taken out reads as the two places that change.
  static func hunks(_ lines: [Line], context: Int = 3) -> [Line] {
    let changed = lines.indices.filter { lines[$0].change != .same }
    guard !changed.isEmpty else { return lines }
    var shown = [Bool](repeating: false, count: lines.count)
    for index in changed {
      for near in max(0, index - context)...min(lines.count - 1, index + context) { shown[near] = true }
    }
    var result: [Line] = []
    var index = 0
    while index < lines.count {
      var end = index
      while end < lines.count, !shown[end] { end += 1 }
      // A single hidden line would take as much room as the line itself.
      if end - index >= 2 {
        result.append(
          Line(
            change: .skipped,
            text: Substring(Format.counted(end - index, "unchanged line", "unchanged lines"))))
        index = end
      } else if end > index {
        result += lines[index..<end]
        index = end
      } else {
        result.append(lines[index])
        index += 1
      }
    }
    return result
  }

  static func lines(from before: String, to after: String) -> [Line] {
    let old = lineSlices(of: before)
    let new = lineSlices(of: after)
    // A policy without a few actions shares most of its lines with the original: only the part
    // between the common beginning and end needs the quadratic comparison.
    var prefix = 0
    while prefix < old.count, prefix < new.count, same(old[prefix], new[prefix]) { prefix += 1 }
    var suffix = 0
    while suffix < old.count - prefix, suffix < new.count - prefix,
      same(old[old.count - 1 - suffix], new[new.count - 1 - suffix])
    {
      suffix += 1
    }
    var result = old[..<prefix].map { Line(change: .same, text: $0) }
    result += middle(Array(old[prefix..<(old.count - suffix)]), Array(new[prefix..<(new.count - suffix)]))
    result += old[(old.count - suffix)...].map { Line(change: .same, text: $0) }
    return result
  }

  /// Whether two lines hold the same bytes. Policy lines are compared by the thousand on every
  /// page, and `==` on strings checks for Unicode equivalence, which JSON lines made by the same
  /// printer do not need.
  private static func same(_ a: Substring, _ b: Substring) -> Bool {
    let answer = a.utf8.withContiguousStorageIfAvailable { first in
      b.utf8.withContiguousStorageIfAvailable { second in
        first.count == second.count
          && (first.isEmpty || memcmp(first.baseAddress!, second.baseAddress!, first.count) == 0)
      }
    }
    return (answer ?? nil) ?? (a == b)
  }

  /// The lines of a text as slices of it, split at newline bytes: splitting a String at a
  /// Character would look for grapheme clusters in every byte of every policy.
  private static func lineSlices(of text: String) -> [Substring] {
    guard !text.isEmpty else { return [] }
    var lines: [Substring] = []
    var start = text.utf8.startIndex
    for index in text.utf8.indices where text.utf8[index] == UInt8(ascii: "\n") {
      lines.append(Substring(text.utf8[start..<index]))
      start = text.utf8.index(after: index)
    }
    lines.append(Substring(text.utf8[start...]))
    return lines
  }

  /// The shortest edit script between two runs of lines (Myers' O((N+M)·D) algorithm): a policy
  /// without some actions differs from the original in a few lines, so D stays small however
  /// long the document is. Removals are preferred over additions where both are shortest.
  private static func middle(_ old: [Substring], _ new: [Substring]) -> [Line] {
    let offset = old.count + new.count + 1
    // furthest[k + offset]: the furthest index into `old` reached on diagonal k = x - y.
    var furthest = [Int](repeating: 0, count: 2 * offset + 1)
    // Step d reads diagonals -d-1 ... d+1 of the step before: only that window is kept, so the
    // trace grows with the square of the (small) distance rather than with the documents' length.
    var trace: [[Int]] = []
    search: for distance in 0...(old.count + new.count) {
      trace.append(Array(furthest[(offset - distance - 1)...(offset + distance + 1)]))
      for diagonal in stride(from: -distance, through: distance, by: 2) {
        let fromAbove =
          diagonal == -distance
          || (diagonal != distance && furthest[diagonal - 1 + offset] < furthest[diagonal + 1 + offset])
        var x = fromAbove ? furthest[diagonal + 1 + offset] : furthest[diagonal - 1 + offset] + 1
        var y = x - diagonal
        while x < old.count, y < new.count, same(old[x], new[y]) {
          x += 1
          y += 1
        }
        furthest[diagonal + offset] = x
        if x >= old.count, y >= new.count { break search }
      }
    }
    return backtrack(old, new, trace: trace)
  }

  /// Walks the search's trace back from the end, collecting the edit script in reverse.
  private static func backtrack(_ old: [Substring], _ new: [Substring], trace: [[Int]]) -> [Line] {
    var result: [Line] = []
    var x = old.count
    var y = new.count
    for distance in stride(from: trace.count - 1, through: 0, by: -1) {
      // The window kept for this step starts at diagonal -distance-1.
      let window = trace[distance]
      func furthest(_ diagonal: Int) -> Int { window[diagonal + distance + 1] }
      let diagonal = x - y
      let fromAbove =
        diagonal == -distance
        || (diagonal != distance && furthest(diagonal - 1) < furthest(diagonal + 1))
      let previousDiagonal = fromAbove ? diagonal + 1 : diagonal - 1
      let previousX = distance == 0 ? 0 : furthest(previousDiagonal)
      let previousY = previousX - previousDiagonal
      while x > previousX, y > previousY {
        x -= 1
        y -= 1
        result.append(Line(change: .same, text: old[x]))
      }
      guard distance > 0 else { break }
      if fromAbove {
        y -= 1
        result.append(Line(change: .added, text: new[y]))
      } else {
        x -= 1
        result.append(Line(change: .removed, text: old[x]))
      }
    }
    return result.reversed()
  }
}

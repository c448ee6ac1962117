import Analysis
import Foundation
import Model
import TemplateEngine

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
  /// The lines shown, as the template reads them: their text and which change each is.
  var diff: LineDiff.Diff
  var hasDiff: Bool
  /// The proposed document as UTF-8, as `PolicyDocument.jsonUTF8` wrote it.
  var afterJSON: [UInt8]
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
  func principalPage(
    _ report: PrincipalReport, team: TeamReport, recommendations: RecommendationTexts? = nil
  ) -> PrincipalPageModel {
    let principal = report.principal
    var groups: [ItemGroupModel] = []
    // The items come in page order: permissions first, by service, so each service's items are
    // one run of them, and the role and credentials follow. They are read where they are stored:
    // a copy of an item retains and releases each of its strings.
    report.items.withUnsafeBufferPointer { items in
      var firstOther = items.endIndex
      for index in items.indices where items[index].kind != .permission {
        firstOther = index
        break
      }
      var start = 0
      while start < firstOther {
        let service = items[start].service
        var end = start + 1
        while end < firstOther, items[end].service == service { end += 1 }
        groups.append(
          ItemGroupModel(
            title: service, count: Format.unusedPermissions(end - start),
            items: (start..<end).map {
              self.itemModel(items.baseAddress! + $0, recommendations: recommendations)
            }))
        start = end
      }
      if firstOther < items.endIndex {
        groups.append(
          ItemGroupModel(
            title: "Role and credentials", count: Format.counted(items.count - firstOther, "item", "items"),
            items: (firstOther..<items.endIndex).map {
              self.itemModel(items.baseAddress! + $0, recommendations: recommendations)
            }))
      }
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
    // A closure rather than the method itself: `map(policyChangeModel)` made a function value
    // holding a copy of the builder, retaining each of its fields, for every page.
    let changes = report.policyChanges.map { policyChangeModel($0) }
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
      accepted: report.acceptedItems.withUnsafeBufferPointer { items in
        items.indices.map { self.itemModel(items.baseAddress! + $0, recommendations: recommendations) }
      }, hasAccepted: !report.acceptedItems.isEmpty,
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
    let before = change.before?.jsonUTF8 ?? []
    let after = change.after?.jsonUTF8 ?? []
    let diff =
      change.kind == .unchanged || before.isEmpty
      ? LineDiff.Diff.empty : LineDiff.hunks(from: before, to: after)
    return PolicyChangeModel(
      name: change.policyName, arn: change.policyARN ?? "", hasARN: change.policyARN != nil,
      kindLabel: kindLabel,
      origin: origin, removed: String(joining: change.removedActions, separator: ", "),
      hasRemoved: !change.removedActions.isEmpty, notes: change.notes, hasNotes: !change.notes.isEmpty,
      diff: diff, hasDiff: !diff.isEmpty, afterJSON: after, hasAfter: !after.isEmpty)
  }
}

/// A line-by-line diff (shortest edit script), enough for policy documents of a few hundred lines.
enum LineDiff {
  enum Change: Equatable {
    case same, added, removed
    /// Unchanged lines left out of a diff shown as hunks.
    case skipped
  }

  /// One line of a diff. Its bytes are read where they lie, in the text of the ``Diff`` it comes
  /// from, which keeps them: a line holds no reference, so a diff of a hundred lines is made,
  /// shown and freed without a hundred reference counts rising and falling three times over.
  struct Line: Equatable, Sendable {
    var change: Change
    /// The line's UTF-8, valid while the diff that made the line exists.
    var bytes: BorrowedBytes

    /// The line as a string.
    var text: String { String(decoding: bytes.buffer, as: UTF8.self) }

    static func == (first: Line, second: Line) -> Bool {
      first.change == second.change && first.bytes.buffer.elementsEqual(second.bytes.buffer)
    }
  }

  /// The bytes a diff's lines are read from (the documents compared, the counts of skipped
  /// lines), copied into one buffer of its own that is never changed and lives as long as a diff
  /// holding it.
  final class Text: Sendable {
    // Written only by the initializer.
    nonisolated(unsafe) private let storage: UnsafeMutableBufferPointer<UInt8>

    /// The parts one after another.
    init(_ parts: [UInt8]...) {
      storage = .allocate(capacity: parts.reduce(0) { $0 + $1.count })
      var offset = 0
      for part in parts {
        part.withUnsafeBufferPointer {
          _ = UnsafeMutableBufferPointer(rebasing: storage[offset..<(offset + $0.count)]).initialize(from: $0)
        }
        offset += part.count
      }
    }

    deinit {
      storage.deallocate()
    }

    /// The bytes at `range` of the part that starts at `offset`, in the parts laid end to end.
    func bytes(_ range: Range<Int>, offset: Int = 0) -> BorrowedBytes {
      BorrowedBytes(
        UnsafeBufferPointer(rebasing: storage[(range.lowerBound + offset)..<(range.upperBound + offset)]))
    }
  }

  /// A diff: its lines, and the texts they are read from.
  struct Diff: RandomAccessCollection, Equatable, Sendable {
    /// Kept for the lines, whose bytes lie in them.
    fileprivate let texts: [Text]
    let lines: [Line]

    init(texts: [Text], lines: [Line]) {
      self.texts = texts
      self.lines = lines
    }

    /// No lines.
    static let empty = Diff(texts: [], lines: [])

    var startIndex: Int { 0 }
    var endIndex: Int { lines.count }
    subscript(position: Int) -> Line { lines[position] }

    static func == (first: Diff, second: Diff) -> Bool { first.lines == second.lines }

    /// The lines marked up as the default principal page shows them, each line's text passed
    /// through `escaper` as an element's content (quotes stay as they are: a policy's lines
    /// hold a quote every few bytes, each of which `&quot;` made six): `<del>- ` for a removed
    /// line, `<ins>+ ` for an added one, `<span>  ` for an unchanged one and
    /// `<span class="skipped">  ⋯ ` for a run left out. A section
    /// over the lines in a template made the same markup with five lookups a line (a flag for
    /// each kind and the text), a twentieth of a build's instructions.
    func html(escapedBy escaper: some TemplateEscaper) -> [UInt8] {
      var output = TemplateOutput(capacity: lines.reduce(0) { $0 + $1.bytes.buffer.count + 32 })
      for line in lines {
        switch line.change {
        case .removed: output.append("<del>- ")
        case .added: output.append("<ins>+ ")
        case .same: output.append("<span>  ")
        case .skipped: output.append("<span class=\"skipped\">  ⋯ ")
        }
        escaper.appendEscapedText(line.bytes.buffer, to: &output)
        switch line.change {
        case .removed: output.append("</del>")
        case .added: output.append("</ins>")
        case .same, .skipped: output.append("</span>")
        }
      }
      return output.bytes
    }
  }

  /// The diff of two UTF-8 documents as hunks (see `hunks(_:context:)`). Only the lines shown
  /// are made: most lines of a long policy are left out.
  static func hunks(from before: [UInt8], to after: [UInt8], context: Int = 3) -> Diff {
    let old = LineTable(before)
    let new = LineTable(after)
    let edits = script(old, new)
    let shown = shownLines(
      count: edits.count, isChanged: { edits[$0].change != .same }, context: context)
    let text = Text(before, after, shown.skippedText)
    let lines = shown.entries.map { entry in
      switch entry {
      case .entry(let index): edits[index].line(old, new, text, newOffset: before.count)
      case .skipped(let range):
        Line(change: .skipped, bytes: text.bytes(range, offset: before.count + after.count))
      }
    }
    return Diff(texts: [text], lines: lines)
  }

  /// The diff with each change shown among `context` unchanged lines on either side, and longer
  /// runs of unchanged lines replaced by one `.skipped` line saying how many there are: a long
  /// policy with two actions taken out reads as the two places that change.
  static func hunks(_ diff: Diff, context: Int = 3) -> Diff {
    let shown = shownLines(count: diff.count, isChanged: { diff[$0].change != .same }, context: context)
    let text = Text(shown.skippedText)
    let lines = shown.entries.map { entry in
      switch entry {
      case .entry(let index): diff[index]
      case .skipped(let range): Line(change: .skipped, bytes: text.bytes(range))
      }
    }
    return Diff(texts: diff.texts + [text], lines: lines)
  }

  /// Every line of the diff, unchanged ones included.
  static func lines(from before: String, to after: String) -> Diff {
    let oldBytes = Array(before.utf8)
    let newBytes = Array(after.utf8)
    let old = LineTable(oldBytes)
    let new = LineTable(newBytes)
    let text = Text(oldBytes, newBytes)
    return Diff(
      texts: [text], lines: script(old, new).map { $0.line(old, new, text, newOffset: oldBytes.count) })
  }

  /// The lines a diff shown as hunks holds, in order, with the texts of its skipped runs.
  private struct Shown {
    enum Entry {
      /// An entry of the full diff.
      case entry(Int)
      /// A run of hidden entries: its text ("6 unchanged lines") at this range of `skippedText`.
      case skipped(Range<Int>)
    }

    var entries: [Entry] = []
    var skippedText: [UInt8] = []
  }

  /// What a diff of `count` lines shows: each line `isChanged` says changed among `context`
  /// unchanged ones on either side, and a skipped-lines text for each longer run of unchanged ones.
  private static func shownLines(count: Int, isChanged: (Int) -> Bool, context: Int) -> Shown {
    var shown = Shown()
    // No more lines are shown than the diff has: one allocation, where growing the list a line
    // at a time took six for a policy of a few dozen lines.
    shown.entries.reserveCapacity(count)
    var isShown = [Bool](repeating: false, count: count)
    var anyChange = false
    // Marked from where the last change's context ended, so that close changes mark each line once.
    var markedUpTo = 0
    for index in 0..<count where isChanged(index) {
      anyChange = true
      let last = min(count - 1, index + context)
      var near = max(markedUpTo, index - context)
      while near <= last {
        isShown[near] = true
        near += 1
      }
      markedUpTo = last + 1
    }
    guard anyChange else {
      shown.entries = (0..<count).map { .entry($0) }
      return shown
    }
    var index = 0
    while index < count {
      var end = index
      while end < count, !isShown[end] { end += 1 }
      // A single hidden line would take as much room as the line itself.
      if end - index >= 2 {
        let start = shown.skippedText.count
        if end - index < unchangedLineTexts.count {
          shown.skippedText += unchangedLineTexts[end - index]
        } else {
          shown.skippedText += Format.counted(end - index, "unchanged line", "unchanged lines").utf8
        }
        shown.entries.append(.skipped(start..<shown.skippedText.count))
        index = end
      } else {
        shown.entries.append(.entry(index))
        index = max(end, index + 1)
      }
    }
    return shown
  }

  /// "6 unchanged lines" for the usual counts, made once: most diffs skip a run or two, and
  /// making each text as a string and copying it out cost a twenty-fifth of a diff.
  private static let unchangedLineTexts: [[UInt8]] = (0..<500).map {
    Array(Format.counted($0, "unchanged line", "unchanged lines").utf8)
  }

  /// A document's lines, found once as offsets into its bytes, each with a hash of its bytes.
  private struct LineTable {
    let bytes: [UInt8]
    /// Where each line starts, then `bytes.count + 1`, as if a newline followed the last line:
    /// line `i` is `bytes[starts[i] ..< starts[i + 1] - 1]`.
    let starts: [Int]
    /// A hash of each line's bytes: the search compares lines many times, and nearly every
    /// comparison of two different lines ends at their hashes.
    let hashes: [UInt64]

    init(_ bytes: [UInt8]) {
      self.bytes = bytes
      // The empty text has no lines; any other has one more than it has newlines. They are
      // counted first, so that the tables are allocated at their size and written through
      // pointers: appending a line at a time checked each list's uniqueness and room twice a
      // line, and tables as long as the text (a line a byte at most) cost more to allocate
      // than counting.
      let lineCount = bytes.withUnsafeBufferPointer { buffer -> Int in
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        var count = 1
        var start = 0
        while let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) {
          count += 1
          start = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
        }
        return count
      }
      var lines = 0
      var starts: [Int] = []
      let hashes = [UInt64](unsafeUninitializedCapacity: lineCount) { hashes, hashCount in
        starts = [Int](unsafeUninitializedCapacity: lineCount + 1) { starts, startCount in
          bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
            var start = 0
            while true {
              // memchr looks for the newline many bytes at a time; the lines are hashed a word
              // at a time, where a loop over each byte took a quarter of the diff. Equal lines
              // have equal hashes; lines that differ almost never do, and when they do the
              // bytes are compared.
              let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
              let end = newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? buffer.count
              starts[lines] = start
              hashes[lines] = ContentDigest.shortHash(UnsafeRawPointer(base + start), count: end - start)
              lines += 1
              guard newline != nil else { break }
              start = end + 1
            }
            starts[lines] = buffer.count + 1
            startCount = lines + 1
          }
        }
        hashCount = lines
      }
      self.starts = starts
      self.hashes = hashes
    }

    var count: Int { hashes.count }

    /// Where line `line` lies in the document's bytes.
    func range(_ line: Int) -> Range<Int> {
      starts[line]..<(starts[line + 1] - 1)
    }
  }

  /// One step of an edit script: an unchanged or removed line of the old document, or an added
  /// line of the new one.
  private struct Edit {
    var change: Change
    var index: Int

    /// The line in `text`, which holds the old document and then, from `newOffset`, the new one.
    func line(_ old: LineTable, _ new: LineTable, _ text: Text, newOffset: Int) -> Line {
      change == .added
        ? Line(change: change, bytes: text.bytes(new.range(index), offset: newOffset))
        : Line(change: change, bytes: text.bytes(old.range(index)))
    }
  }

  /// Calls `body` with the lines of each range that may have an equal line in the other one:
  /// a line whose hash the other range lacks is removed (or added) in every shortest script, so
  /// the search need not see it. The removed actions of a policy are such lines, and without
  /// them the search runs in the square of the few lines around them that changed.
  private static func withLinesThatMayMatch(
    _ old: LineTable, _ new: LineTable, oldRange: Range<Int>, newRange: Range<Int>,
    _ body: ([Int], [Int]) -> Void
  ) {
    guard oldRange.count * newRange.count > 4096 else {
      // A policy's changed part is a few dozen lines, and a line of one document that the
      // other has is nearly always found within a few lines of the same place (the other
      // lacks only a few lines before it): looked for from there outwards, without the two
      // sorted copies of the hashes, which cost a tenth of the diff.
      old.hashes.withUnsafeBufferPointer { oldHashes in
        new.hashes.withUnsafeBufferPointer { newHashes in
          body(
            linesWithAMatch(oldRange, oldHashes, in: newRange, newHashes),
            linesWithAMatch(newRange, newHashes, in: oldRange, oldHashes))
        }
      }
      return
    }
    // Sorted hashes searched by halves for long ones, where the search above would take the
    // square of their length.
    let oldHashes = old.hashes[oldRange].sorted()
    let newHashes = new.hashes[newRange].sorted()
    func isIn(_ sorted: [UInt64], _ hash: UInt64) -> Bool {
      var low = 0
      var high = sorted.count
      while low < high {
        let middle = (low + high) / 2
        if sorted[middle] < hash { low = middle + 1 } else { high = middle }
      }
      return low < sorted.count && sorted[low] == hash
    }
    body(
      oldRange.filter { isIn(newHashes, old.hashes[$0]) },
      newRange.filter { isIn(oldHashes, new.hashes[$0]) })
  }

  /// The lines of `range` whose hash `otherHashes[otherRange]` has, each looked for from the same
  /// place in the other range outwards.
  private static func linesWithAMatch(
    _ range: Range<Int>, _ hashes: UnsafeBufferPointer<UInt64>, in otherRange: Range<Int>,
    _ otherHashes: UnsafeBufferPointer<UInt64>
  ) -> [Int] {
    // Room for every line: filtering grew the list a few times over.
    var lines: [Int] = []
    lines.reserveCapacity(range.count)
    for line in range
    where contains(
      otherHashes, otherRange, hashes[line], near: otherRange.lowerBound + line - range.lowerBound)
    {
      lines.append(line)
    }
    return lines
  }

  /// Whether `hash` is among `hashes[range]`, looked for at `near` first and then one line
  /// further each way at a time.
  @inline(__always)
  private static func contains(
    _ hashes: UnsafeBufferPointer<UInt64>, _ range: Range<Int>, _ hash: UInt64, near: Int
  ) -> Bool {
    guard !range.isEmpty else { return false }
    let start = min(max(near, range.lowerBound), range.upperBound - 1)
    var below = start
    var above = start + 1
    while below >= range.lowerBound || above < range.upperBound {
      if below >= range.lowerBound {
        if hashes[below] == hash { return true }
        below -= 1
      }
      if above < range.upperBound {
        if hashes[above] == hash { return true }
        above += 1
      }
    }
    return false
  }

  private static func script(_ old: LineTable, _ new: LineTable) -> [Edit] {
    old.bytes.withUnsafeBufferPointer { oldBytes in
      new.bytes.withUnsafeBufferPointer { newBytes in
        // Lines compared as bytes: `==` on strings checks for Unicode equivalence, which lines
        // made by the same JSON printer do not need.
        func same(_ x: Int, _ y: Int) -> Bool {
          guard old.hashes[x] == new.hashes[y] else { return false }
          let start = old.starts[x]
          let length = old.starts[x + 1] - start
          let otherStart = new.starts[y]
          return length == new.starts[y + 1] - otherStart
            && (length <= 1
              || memcmp(oldBytes.baseAddress! + start, newBytes.baseAddress! + otherStart, length - 1) == 0)
        }
        // A policy without a few actions shares most of its lines with the original: only the
        // part between the common beginning and end needs the search.
        var prefix = 0
        while prefix < old.count, prefix < new.count, same(prefix, prefix) { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
          same(old.count - 1 - suffix, new.count - 1 - suffix)
        {
          suffix += 1
        }
        let oldEnd = old.count - suffix
        let newEnd = new.count - suffix
        var matches: [(old: Int, new: Int)] = []
        Self.withLinesThatMayMatch(old, new, oldRange: prefix..<oldEnd, newRange: prefix..<newEnd) {
          oldLines, newLines in
          middle(old: oldLines, new: newLines, same: same, into: &matches)
        }
        // Between two matched lines, every other old line is removed and every other new line
        // added, removals first; the ends of the searched part close the last run.
        var edits: [Edit] = []
        edits.reserveCapacity(old.count + new.count - prefix - suffix)
        for index in 0..<prefix { edits.append(Edit(change: .same, index: index)) }
        var nextOld = prefix
        var nextNew = prefix
        // The end of the searched part closes the last run as a match would.
        for index in 0...matches.count {
          let match = index < matches.count ? matches[index] : (old: oldEnd, new: newEnd)
          while nextOld < match.old {
            edits.append(Edit(change: .removed, index: nextOld))
            nextOld += 1
          }
          while nextNew < match.new {
            edits.append(Edit(change: .added, index: nextNew))
            nextNew += 1
          }
          nextOld += 1
          nextNew += 1
          if match.old < oldEnd { edits.append(Edit(change: .same, index: match.old)) }
        }
        for index in oldEnd..<old.count { edits.append(Edit(change: .same, index: index)) }
        return edits
      }
    }
  }

  /// The lines a shortest edit script keeps, as pairs of old and new line numbers in order, for
  /// two lists of lines given by their numbers (Myers' O((N+M)·D) algorithm): a policy without
  /// some actions differs from the original in a few lines, so D stays small however long the
  /// document is. Removals are preferred over additions where both are shortest.
  private static func middle(
    old: [Int], new: [Int], same: (Int, Int) -> Bool, into matches: inout [(old: Int, new: Int)]
  ) {
    let oldCount = old.count
    let newCount = new.count
    // The lines left after those only one side has are most often the same lines in the same
    // order: the search's first step would follow them to the end, after allocating its tables.
    if oldCount == newCount, (0..<oldCount).allSatisfy({ same(old[$0], new[$0]) }) {
      matches.reserveCapacity(matches.count + oldCount)
      for index in 0..<oldCount { matches.append((old[index], new[index])) }
      return
    }
    let offset = oldCount + newCount + 1
    // furthest[k + offset]: the furthest index into the old run reached on diagonal k = x - y.
    var furthest = [Int](repeating: 0, count: 2 * offset + 1)
    // Step d reads diagonals -d-1 ... d+1 of the step before: only that window is kept, one
    // after another in `trace` (step d's starts at d² + 2d), so the trace grows with the square
    // of the (small) distance rather than with the documents' length.
    var trace: [Int] = []
    var steps = 0
    search: for distance in 0...(oldCount + newCount) {
      // Copied through a pointer: appending the slice went through the generic path, a few
      // hundred instructions a step.
      furthest.withUnsafeBufferPointer {
        trace.append(
          contentsOf: UnsafeBufferPointer(rebasing: $0[(offset - distance - 1)...(offset + distance + 1)]))
      }
      steps += 1
      var diagonal = -distance
      while diagonal <= distance {
        defer { diagonal += 2 }
        let fromAbove =
          diagonal == -distance
          || (diagonal != distance && furthest[diagonal - 1 + offset] < furthest[diagonal + 1 + offset])
        var x = fromAbove ? furthest[diagonal + 1 + offset] : furthest[diagonal - 1 + offset] + 1
        var y = x - diagonal
        while x < oldCount, y < newCount, same(old[x], new[y]) {
          x += 1
          y += 1
        }
        furthest[diagonal + offset] = x
        if x >= oldCount, y >= newCount { break search }
      }
    }
    // Walks the trace back from the end, collecting the matched lines in reverse.
    let start = matches.count
    var x = oldCount
    var y = newCount
    for distance in stride(from: steps - 1, through: 0, by: -1) {
      let windowStart = distance * distance + 2 * distance
      // The window kept for this step starts at diagonal -distance-1.
      func furthest(_ diagonal: Int) -> Int { trace[windowStart + diagonal + distance + 1] }
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
        matches.append((old[x], new[y]))
      }
      guard distance > 0 else { break }
      if fromAbove {
        y -= 1
      } else {
        x -= 1
      }
    }
    matches[start...].reverse()
  }
}

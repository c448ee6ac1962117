import CPageCache
import Foundation
import Testing

@testable import Site

/// Each test has a folder of its own, `root`, removed when the test ends; the site is published
/// into `root/output`.
@Suite final class PublisherTests {
  let root: URL
  let output: URL
  let publisher: OutputPublisher

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    output = root.appendingPathComponent("output")
    publisher = OutputPublisher(output: output)
  }

  /// Undoes what a test did that would keep `root` from being removed (an immutable file).
  var undoBeforeRemoving: [() -> Bool] = []

  deinit {
    for undo in undoBeforeRemoving { _ = undo() }
    try? FileManager.default.removeItem(at: root)
  }

  static func read(_ url: URL, _ path: String) throws -> String {
    try String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
  }

  static func modified(_ url: URL, _ path: String) throws -> Date {
    try FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(path).path)[.modificationDate]
      as! Date
  }

  @Test func anExistingOutputFolderBecomesOneOfTheTwoTrees() throws {
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: output.appendingPathComponent("index.html"))
    let outcome = try OutputPublisher(output: output).publish([OutputFile(path: "index.html", text: "new")])
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 0))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.a")
    #expect(try Self.read(output, "index.html") == "new")
    #expect(try Self.read(root, ".output.b/index.html") == "old")
  }

  @Test func aRewrittenFileHoldsExactlyItsNewBytesWhetherItShrankOrGrew() throws {
    // Builds alternate between the two trees: the third rewrites what the first wrote, knowing the
    // sizes from the first's digest list; the fifth does so with that list gone.
    try publisher.publish([
      OutputFile(path: "shrinks.html", text: "a long first version"),
      OutputFile(path: "grows.html", text: "x"),
    ])
    try publisher.publish([
      OutputFile(path: "shrinks.html", text: "b"), OutputFile(path: "grows.html", text: "b"),
    ])
    try publisher.publish([
      OutputFile(path: "shrinks.html", text: "short"),
      OutputFile(path: "grows.html", text: "a longer version"),
    ])
    #expect(try Self.read(output, "shrinks.html") == "short")
    #expect(try Self.read(output, "grows.html") == "a longer version")
    try publisher.publish([
      OutputFile(path: "shrinks.html", text: "b"), OutputFile(path: "grows.html", text: "b"),
    ])
    try FileManager.default.removeItem(at: root.appendingPathComponent(".output.a.sums"))
    try publisher.publish([
      OutputFile(path: "shrinks.html", text: "s"), OutputFile(path: "grows.html", text: "xy"),
    ])
    #expect(try Self.read(output, "shrinks.html") == "s")
    #expect(try Self.read(output, "grows.html") == "xy")
  }

  @Test func aFileCutShorterToThePublishedBytesTakesThePublishedTimeAfterTheCut() throws {
    try publisher.publish([OutputFile(path: "page.html", text: "a long first version")])
    try publisher.publish([OutputFile(path: "page.html", text: "short")])
    // The published copy (tree b) gets a time no write could give, so that only a copy matches it.
    let published = root.appendingPathComponent(".output.b/page.html")
    let old = Date(timeIntervalSince1970: 1_000_000_000)
    try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: published.path)
    // Tree a holds the long version: it is cut on the side, and the cut must not leave its own time.
    let outcome = try publisher.publish([OutputFile(path: "page.html", text: "short")])
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 0))
    #expect(try Self.read(output, "page.html") == "short")
    #expect(try Self.modified(root, ".output.a/page.html") == old)
  }

  @Test func aCutThatFailsIsReportedWithItsPath() throws {
    let cuts = FileCuts()
    let missing = root.appendingPathComponent("missing/page.html").path
    cuts.cut(missing, to: 1, thenTakingTimeFrom: nil)
    #expect {
      try cuts.finish()
    } throws: { error in
      "\(error)".contains(missing)
    }
  }

  @Test func aFilePutIntoAPublishedTreeByHandIsRemovedByTheNextBuildIntoIt() throws {
    try publisher.publish([OutputFile(path: "index.html", text: "one")])
    // Tree a has a digest list that does not name the stray file.
    try Data("stray".utf8).write(to: root.appendingPathComponent(".output.a/stray.html"))
    try publisher.publish([OutputFile(path: "index.html", text: "two")])
    let third = try publisher.publish([OutputFile(path: "index.html", text: "three")])
    #expect(third == .init(written: 1, unchanged: 0, removed: 1))
    #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["index.html"])
  }

  @Test func preparingChangesNothingAndAPreparedPublishTakesOverTheFolderAsUsual() throws {
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: output.appendingPathComponent("index.html"))
    let first = publisher.prepare()
    // A build that fails after preparing leaves the folder as it was.
    #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: output.path)) == nil)
    #expect(try Self.read(output, "index.html") == "old")
    try publisher.publish(preparedAs: first) { sink in
      try sink.write(OutputFile(path: "index.html", text: "new"))
    }
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.a")
    #expect(try Self.read(root, ".output.b/index.html") == "old")
    try Data("stray".utf8).write(to: root.appendingPathComponent(".output.b/stray.html"))
    let second = publisher.prepare()
    let outcome = try publisher.publish(preparedAs: second) { sink in
      try sink.write(OutputFile(path: "index.html", text: "new"))
    }
    // Tree b, the old folder, had the old page (rewritten) and now a stray file (removed).
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 1))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.b")
    #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["index.html"])
    #expect(try Self.modified(output, "index.html") == Self.modified(root, ".output.a/index.html"))
  }

  @Test func aPreparationMadeBeforeAnotherBuildPublishedIsReadAgain() throws {
    try publisher.publish([
      OutputFile(path: "index.html", text: "one"), OutputFile(path: "old.html", text: "x"),
    ])
    let stale = publisher.prepare()
    // Another build publishes meanwhile: tree b, which the preparation read as the target.
    try publisher.publish([OutputFile(path: "index.html", text: "two")])
    let outcome = try publisher.publish(preparedAs: stale) { sink in
      try sink.write(OutputFile(path: "index.html", text: "two"))
    }
    // Into tree a again, which holds "one" and old.html: the stale reading would have had tree b.
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 1))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.a")
    #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["index.html"])
  }

  @Test func anOutputFolderTakenOverAsTreeBDropsTheListOfAnEarlierTreeB() throws {
    try publisher.publish([OutputFile(path: "index.html", text: "one")])
    try publisher.publish([OutputFile(path: "index.html", text: "two")])
    // The link is replaced by a plain folder holding other bytes, while .output.b.sums still
    // describes the tree b it replaces.
    try FileManager.default.removeItem(at: output)
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try Data("hand".utf8).write(to: output.appendingPathComponent("index.html"))
    try publisher.publish([OutputFile(path: "index.html", text: "one")])
    // The next build goes into b, the old folder: "two" in b's old list must not pass for it.
    let outcome = try publisher.publish([OutputFile(path: "index.html", text: "two")])
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 0))
    #expect(try Self.read(output, "index.html") == "two")
  }

  @Test func anExistingOutputFolderStaysServedWhenTheFirstBuildFails() throws {
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: output.appendingPathComponent("index.html"))
    struct Failed: Error {}
    #expect(throws: Failed.self) { try OutputPublisher(output: output).publish { _ in throw Failed() } }
    #expect(try Self.read(output, "index.html") == "old")
  }

  @Test func publishingAlternatesTreesAndKeepsUnchangedFilesUntouched() throws {
    try publisher.publish([
      OutputFile(path: "index.html", text: "one"), OutputFile(path: "teams/a/index.html", text: "a"),
      OutputFile(path: "gone.html", text: "x"),
    ])
    let firstTime = try Self.modified(output, "teams/a/index.html")
    Thread.sleep(forTimeInterval: 1.1)
    let outcome = try publisher.publish([
      OutputFile(path: "index.html", text: "two"), OutputFile(path: "teams/a/index.html", text: "a"),
    ])
    #expect(outcome == .init(written: 2, unchanged: 0, removed: 0), "the second tree starts empty")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.b")
    #expect(try Self.read(output, "index.html") == "two")
    #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("gone.html").path))
    #expect(try Self.modified(output, "teams/a/index.html") == firstTime, "same content, same time")
    let third = try publisher.publish([OutputFile(path: "index.html", text: "two")])
    #expect(third == .init(written: 1, unchanged: 0, removed: 2))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.a")
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".output.a/teams").path))
    #expect(try Self.modified(output, "index.html") == Self.modified(root, ".output.b/index.html"))
    let fourth = try publisher.publish([OutputFile(path: "index.html", text: "two")])
    #expect(fourth == .init(written: 0, unchanged: 1, removed: 1), "tree b already holds these bytes")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == [
        ".output.a", ".output.a.sums", ".output.b", ".output.b.sums", "output",
      ])
  }

  @Test func theListOfDigestsDecidesWhatIsWrittenAndItsLossMeansEverythingIs() throws {
    try publisher.publish([OutputFile(path: "index.html", text: "same")])
    try publisher.publish([OutputFile(path: "index.html", text: "same")])
    // The files themselves are not read: a tree that lost its list is written again in full.
    try FileManager.default.removeItem(at: root.appendingPathComponent(".output.a.sums"))
    let outcome = try publisher.publish([OutputFile(path: "index.html", text: "same")])
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 0))
    #expect(try Self.read(root, ".output.a.sums").hasSuffix(" 4 index.html\n"))
  }

  @Test func filesDeletedFromATreeByHandAreWrittenAgainThoughItsListNamesThem() throws {
    let files = [OutputFile(path: "index.html", text: "same"), OutputFile(path: "teams/a.html", text: "a")]
    try publisher.publish(files)
    try publisher.publish(files)
    // Tree a, written next, loses a file; its list still names it.
    try FileManager.default.removeItem(at: root.appendingPathComponent(".output.a/teams/a.html"))
    let third = try publisher.publish(files)
    #expect(third == .init(written: 1, unchanged: 1, removed: 0))
    #expect(try Self.read(output, "teams/a.html") == "a")
    // Tree b, written next, is deleted whole; its list is left beside it.
    try FileManager.default.removeItem(at: root.appendingPathComponent(".output.b"))
    let fourth = try publisher.publish(files)
    #expect(fourth == .init(written: 2, unchanged: 0, removed: 0))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.b")
    #expect(try Self.read(output, "index.html") == "same")
    #expect(try Self.read(output, "teams/a.html") == "a")
  }

  /// Builds alternate between the trees: after these two, tree a (holding `files`) is written next.
  func publishTwice(_ files: [OutputFile]) throws {
    try publisher.publish(files)
    try publisher.publish(files)
  }

  @Test func linksInATreeAreReplacedAndNothingOutsideItIsWritten() throws {
    let files = [
      OutputFile(path: "index.html", text: "home"), OutputFile(path: "charts/a.svg", text: "<svg/>"),
    ]
    try publishTwice(files)
    let outside = root.appendingPathComponent("outside")
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    try Data("mine".utf8).write(to: outside.appendingPathComponent("victim.txt"))
    let tree = root.appendingPathComponent(".output.a")
    try FileManager.default.removeItem(at: tree.appendingPathComponent("index.html"))
    try FileManager.default.createSymbolicLink(
      atPath: tree.appendingPathComponent("index.html").path,
      withDestinationPath: outside.path + "/victim.txt")
    try FileManager.default.removeItem(at: tree.appendingPathComponent("charts"))
    try FileManager.default.createSymbolicLink(
      atPath: tree.appendingPathComponent("charts").path, withDestinationPath: outside.path)
    let changed = [
      OutputFile(path: "index.html", text: "home, later"), OutputFile(path: "charts/a.svg", text: "<svg/>"),
    ]
    let outcome = try publisher.publish(changed)
    #expect(outcome == .init(written: 2, unchanged: 0, removed: 0))
    #expect(try Self.read(outside, "victim.txt") == "mine")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["victim.txt"])
    #expect(try Self.read(output, "index.html") == "home, later")
    #expect(try Self.read(output, "charts/a.svg") == "<svg/>")
    let charts = try FileManager.default.attributesOfItem(atPath: tree.appendingPathComponent("charts").path)
    #expect(charts[.type] as? FileAttributeType == .typeDirectory)
  }

  @Test func aFileWithAnotherHardLinkIsReplacedRatherThanWrittenThrough() throws {
    try publishTwice([OutputFile(path: "index.html", text: "one")])
    let copy = root.appendingPathComponent("backup.html")
    try FileManager.default.linkItem(at: root.appendingPathComponent(".output.a/index.html"), to: copy)
    try publisher.publish([OutputFile(path: "index.html", text: "two")])
    #expect(try Self.read(output, "index.html") == "two")
    #expect(try String(contentsOf: copy, encoding: .utf8) == "one")
  }

  @Test func aFolderWhereAFileGoesIsReplacedAndAFileChangedByHandKeepsNoStaleEnd() throws {
    try publishTwice([OutputFile(path: "index.html", text: "one"), OutputFile(path: "a.html", text: "a")])
    let tree = root.appendingPathComponent(".output.a")
    try FileManager.default.removeItem(at: tree.appendingPathComponent("a.html"))
    try FileManager.default.createDirectory(
      at: tree.appendingPathComponent("a.html/inside"), withIntermediateDirectories: true)
    // Longer than the list says: the size that counts is the file's own.
    try Data("one, and a long banner added by hand".utf8).write(to: tree.appendingPathComponent("index.html"))
    try publisher.publish([
      OutputFile(path: "index.html", text: "two"), OutputFile(path: "a.html", text: "a"),
    ])
    #expect(try Self.read(output, "index.html") == "two")
    #expect(try Self.read(output, "a.html") == "a")
  }

  @Test func aFileWhereAFolderGoesIsReplaced() throws {
    let files = [OutputFile(path: "teams/mobile/index.html", text: "mobile")]
    try publishTwice(files)
    let tree = root.appendingPathComponent(".output.a")
    try FileManager.default.removeItem(at: tree.appendingPathComponent("teams"))
    try Data("in the way".utf8).write(to: tree.appendingPathComponent("teams"))
    let outcome = try publisher.publish(files)
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 0))
    #expect(try Self.read(output, "teams/mobile/index.html") == "mobile")
  }

  /// Makes `file` one that `unlink` refuses, as a build meets when run by a user without the right
  /// to change its folder, and returns what undoes it (true when it did); nil when this machine
  /// cannot (root, where a read-only folder does not stop it, on a file system without
  /// `chattr +i`, or without the right to set it).
  static func makeUnremovable(_ file: URL) -> (() -> Bool)? {
    let folder = file.deletingLastPathComponent().path
    if geteuid() != 0 {
      guard chmod(folder, 0o555) == 0 else { return nil }
      return { chmod(folder, 0o755) == 0 }
    }
    func chattr(_ flag: String) -> Bool {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
      process.arguments = [flag, file.path]
      process.standardError = FileHandle.nullDevice
      guard (try? process.run()) != nil else { return false }
      process.waitUntilExit()
      return process.terminationStatus == 0
    }
    return chattr("+i") ? { chattr("-i") } : nil
  }

  /// Whether `makeUnremovable` works here, tried on a file of its own.
  static let canMakeUnremovable: Bool = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "unremovable-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("probe")
    guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
      FileManager.default.createFile(atPath: file.path, contents: Data()),
      let undo = makeUnremovable(file)
    else { return false }
    let refused = unlink(file.path) != 0
    return undo() && refused
  }()

  @Test(.enabled(if: canMakeUnremovable, "needs a read-only folder, or chattr +i as root"))
  func aStaleFileThatCannotBeRemovedFailsTheBuildWithThePreviousSiteStillPublished() throws {
    try publishTwice([OutputFile(path: "index.html", text: "one"), OutputFile(path: "gone.html", text: "x")])
    let stale = root.appendingPathComponent(".output.a/gone.html")
    var undo: (() -> Bool)?
    #expect {
      try publisher.publish { sink in
        try sink.write(OutputFile(path: "index.html", text: "two"))
        // Made so once the build has mended the tree's permissions, which a read-only folder
        // would otherwise have undone.
        undo = Self.makeUnremovable(stale)
        if let undo { undoBeforeRemoving.append(undo) }
      }
    } throws: { error in
      "\(error)".hasPrefix("\(stale.path): cannot be removed: ")
        && "\(error)".hasSuffix("The previous site is left as it was")
    }
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.b")
    #expect(try Self.read(output, "index.html") == "one")
    // Once it can be removed, the next build into the tree removes it.
    let undoIt = try #require(undo)
    #expect(undoIt())
    let outcome = try publisher.publish([OutputFile(path: "index.html", text: "two")])
    #expect(outcome.removed == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["index.html"])
  }

  @Test func aPageBackToWhatItsTreeHeldIsDatedNowNotWhenThatTreeWasWritten() throws {
    try publisher.publish([
      OutputFile(path: "page.html", text: "first"), OutputFile(path: "same.html", text: "s"),
    ])
    // Tree a's copies get a time no build could give.
    let old = Date(timeIntervalSince1970: 1_000_000_000)
    for name in ["page.html", "same.html"] {
      try FileManager.default.setAttributes(
        [.modificationDate: old], ofItemAtPath: root.appendingPathComponent(".output.a/\(name)").path)
    }
    try publisher.publish([
      OutputFile(path: "page.html", text: "second"), OutputFile(path: "same.html", text: "s"),
    ])
    // The served page's time is fixed too, later than tree a's: a time copied from either would
    // not be later than it.
    let served = Date(timeIntervalSince1970: 1_500_000_000)
    try FileManager.default.setAttributes(
      [.modificationDate: served], ofItemAtPath: root.appendingPathComponent(".output.b/page.html").path)
    // The page goes back to what tree a holds: nothing is written, but it was not what was served.
    let outcome = try publisher.publish([
      OutputFile(path: "page.html", text: "first"), OutputFile(path: "same.html", text: "s"),
    ])
    #expect(outcome == .init(written: 0, unchanged: 2, removed: 0))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.a")
    #expect(try Self.read(output, "page.html") == "first")
    #expect(try Self.modified(output, "page.html") > served)
    // What was served all along keeps its time.
    #expect(try Self.modified(output, "same.html") == old)
  }

  static func mode(_ url: URL) throws -> mode_t {
    var status = stat()
    guard lstat(url.path, &status) == 0 else { throw CocoaError(.fileNoSuchFile) }
    return status.st_mode & 0o7777
  }

  @Test func theModesAFileAndAFolderAreMadeWithAreThoseOfNewOnes() throws {
    let file = root.appendingPathComponent("probe")
    let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    close(descriptor)
    #expect(try Self.mode(file) == FileBytes.fileMode)
    let folder = root.appendingPathComponent("folder")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    #expect(try Self.mode(folder) == FileBytes.folderMode)
  }

  @Test func permissionsChangedByHandInATreeAreGivenBack() throws {
    let files = [
      OutputFile(path: "index.html", text: "home"), OutputFile(path: "teams/a/index.html", text: "a"),
      OutputFile(path: "charts/a.svg", text: "<svg/>"),
    ]
    try publishTwice(files)
    let tree = root.appendingPathComponent(".output.a")
    chmod(tree.appendingPathComponent("index.html").path, 0)
    chmod(tree.appendingPathComponent("charts/a.svg").path, 0o600)
    chmod(tree.appendingPathComponent("teams").path, 0o700)
    chmod(tree.path, 0o750)
    let outcome = try publisher.publish([
      OutputFile(path: "index.html", text: "home, changed"),
      OutputFile(path: "teams/a/index.html", text: "a"),
      OutputFile(path: "charts/a.svg", text: "<svg/>"),
    ])
    #expect(outcome == .init(written: 1, unchanged: 2, removed: 0))
    #expect(try Self.read(output, "index.html") == "home, changed")
    for path in ["index.html", "charts/a.svg", "teams/a/index.html"] {
      #expect(try Self.mode(tree.appendingPathComponent(path)) == FileBytes.fileMode, "\(path)")
    }
    for path in ["", "teams", "teams/a", "charts"] {
      #expect(try Self.mode(tree.appendingPathComponent(path)) == FileBytes.folderMode, "\(path)")
    }
  }

  @Test(.enabled(if: geteuid() != 0, "root reads any folder"))
  func aFolderThatCouldNotBeReadIsMendedListedAndCleared() throws {
    try publishTwice([
      OutputFile(path: "teams/a/x.html", text: "x"), OutputFile(path: "teams/a/gone.html", text: "gone"),
    ])
    let folder = root.appendingPathComponent(".output.a/teams/a")
    #expect(chmod(folder.path, 0) == 0)
    let outcome = try publisher.publish([OutputFile(path: "teams/a/x.html", text: "x, changed")])
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 1))
    #expect(try Self.mode(folder) == FileBytes.folderMode)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["x.html"])
  }

  @Test func aFolderThatBecomesAFileIsPublishedIntoBothTrees() throws {
    try publishTwice([OutputFile(path: "index.html", text: "home"), OutputFile(path: "a/x.html", text: "x")])
    let files = [OutputFile(path: "index.html", text: "home"), OutputFile(path: "a", text: "now a file")]
    // Tree a, then tree b: each held the folder with a file the site no longer has.
    #expect(try publisher.publish(files) == .init(written: 1, unchanged: 1, removed: 0))
    #expect(try publisher.publish(files) == .init(written: 1, unchanged: 1, removed: 0))
    #expect(try Self.read(output, "a") == "now a file")
  }

  @Test func mendedPermissionsKeepAFoldersSetgidBit() throws {
    let files = [OutputFile(path: "teams/a/index.html", text: "a")]
    try publishTwice(files)
    let teams = root.appendingPathComponent(".output.a/teams")
    // A setgid folder gives what is made in it its group: the web server's, say.
    #expect(chmod(teams.path, S_ISGID | 0o700) == 0)
    try publisher.publish(files)
    #expect(try Self.mode(teams) == S_ISGID | FileBytes.folderMode)
  }

  @Test func anUnchangedFileWithAnotherHardLinkIsMadeAnewNotMended() throws {
    let files = [OutputFile(path: "index.html", text: "home")]
    try publishTwice(files)
    let page = root.appendingPathComponent(".output.a/index.html")
    let copy = root.appendingPathComponent("backup.html")
    try FileManager.default.linkItem(at: page, to: copy)
    #expect(chmod(copy.path, 0o600) == 0)
    let outcome = try publisher.publish(files)
    #expect(outcome == .init(written: 1, unchanged: 0, removed: 0))
    #expect(try Self.mode(copy) == 0o600, "the copy is left as it was")
    #expect(try Self.mode(page) == FileBytes.fileMode)
    #expect(try Self.read(root, ".output.a/index.html") == "home")
  }

  @Test func aKeyThatCannotBeWrittenFailsTheBuildWithThePreviousSiteStillPublished() throws {
    try publisher.publish(key: "k1") { try $0.write(OutputFile(path: "index.html", text: "one")) }
    // Where the key is written first, a folder: writing it fails.
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent(".output.key.new/x"), withIntermediateDirectories: true)
    #expect(throws: SiteError.self) {
      try publisher.publish(key: "k2") { try $0.write(OutputFile(path: "index.html", text: "two")) }
    }
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.a")
    #expect(try Self.read(output, "index.html") == "one")
    #expect(publisher.publishedKey() == "k1", "the published site and its key are as they were")
  }

  @Test func aBuildThatFailsHalfWayLeavesNoListForTheTreeItChanged() throws {
    try publisher.publish([OutputFile(path: "index.html", text: "one")])
    try publisher.publish([OutputFile(path: "index.html", text: "two")])
    struct Failed: Error {}
    #expect(throws: Failed.self) {
      try publisher.publish { sink in
        try sink.write(OutputFile(path: "index.html", text: "three"))
        throw Failed()
      }
    }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".output.a.sums").path))
    // Had the list of tree a survived, "one" would look already written there.
    try publisher.publish([OutputFile(path: "index.html", text: "one")])
    #expect(try Self.read(output, "index.html") == "one")
  }

  /// Writes `text` to a new file at `path`, flushed to the disk and dropped from the page cache
  /// (as a tree written two nights before is found); returns whether the page cache says so.
  static func writeOutOfTheCache(_ text: [UInt8], at path: String) throws -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    defer { close(descriptor) }
    #expect(text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == text.count)
    #expect(fsync(descriptor) == 0)
    _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
    return permsite_cached_pages(descriptor, 0, Int64(max(text.count, 1))) == 0
  }

  static func bytes(_ count: Int, _ letter: Character) -> [UInt8] {
    (0..<count).map { UInt8(ascii: $0 % 100 == 99 ? "\n" : letter.unicodeScalars.first!) }
  }

  @Test func thePageCacheTellsAFileJustWrittenFromOneDroppedFromIt() throws {
    let path = root.appendingPathComponent("page.html").path
    let isOut = try Self.writeOutOfTheCache(Self.bytes(10_000, "a"), at: path)
    let descriptor = open(path, O_RDWR)
    defer { close(descriptor) }
    let before = permsite_cached_pages(descriptor, 8192, 4096)
    // A kernel without `cachestat` (before Linux 6.5) cannot tell: the writes then fill every
    // last page, which is right, only slower. A file system that keeps its files in memory
    // (tmpfs) cannot drop them.
    guard before >= 0, isOut else { return }
    #expect(before == 0)
    #expect(pwrite(descriptor, "b", 1, 9_000) == 1)
    #expect(permsite_cached_pages(descriptor, 8192, 4096) == 1)
  }

  @Test(arguments: [
    // (old size, new size): shorter within the last old page; shorter by more than a page; the
    // new end on a page boundary; longer, ending past the old end's page; longer within the
    // page of the old end; the same size; empty.
    (10_000, 9_000), (10_000, 5_000), (10_000, 8_192), (10_000, 13_000), (10_000, 10_100),
    (10_000, 10_000), (10_000, 0), (4_096, 100),
  ])
  func aFileOverwrittenOutOfTheCacheHoldsExactlyItsNewBytes(sizes: (old: Int, new: Int)) throws {
    let path = root.appendingPathComponent("page.html").path
    _ = try Self.writeOutOfTheCache(Self.bytes(sizes.old, "o"), at: path)
    // Where the page cache cannot drop files (tmpfs), or cannot tell, the other way is taken.
    let page = FileBytes.pageSize
    let descriptor = open(path, O_RDONLY)
    let isLastPageCached = permsite_cached_pages(descriptor, Int64(sizes.new / page * page), Int64(page)) == 1
    close(descriptor)
    let new = Self.bytes(sizes.new, "n")
    let needsCut = try new.withUnsafeBytes { try FileBytes.replace(path, with: $0, makeFolder: {}) }
    // What is longer than what was written (the new bytes, or all of their last page when it was
    // out of the cache) is left to the caller to cut.
    let written = isLastPageCached ? sizes.new : (sizes.new + page - 1) / page * page
    #expect(needsCut == (sizes.old > written))
    if needsCut { #expect(truncate(path, off_t(sizes.new)) == 0) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(new))
  }

  @Test func twoFilesWithTheSameBytesButDifferentSizesOrOrderHaveDifferentSums() {
    func sum(_ text: String) -> FileSum { Array(text.utf8).withUnsafeBytes { FileSum(of: $0) } }
    #expect(sum("abcdefgh12345678") != sum("12345678abcdefgh"))
    #expect(sum("abc") != sum("abc\0"))
    #expect(sum("") != sum("\0"))
    #expect(sum("<p>same page</p>") == sum("<p>same page</p>"))
    // Words 32 bytes apart go through the same lane: their order still counts.
    let words = ["aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd", "eeeeeeee"]
    #expect(sum(words.joined()) != sum(([words[4]] + words[1...3] + [words[0]]).joined()))
  }

  @Test func changingAnyOneByteOfAFileChangesItsSum() {
    // Long enough for whole blocks, the three single words after them and a partial last word.
    let page = [UInt8]((0..<123).map { UInt8($0 % 251) })
    var sums: Set<FileSum> = [page.withUnsafeBytes { FileSum(of: $0) }]
    for index in page.indices {
      for change: UInt8 in [1, 0x80] {
        var changed = page
        changed[index] ^= change
        sums.insert(changed.withUnsafeBytes { FileSum(of: $0) })
      }
    }
    #expect(sums.count == 1 + page.count * 2)
  }

  @Test func aFailedWriteLeavesThePublishedSiteAsItWas() throws {
    try publisher.publish([OutputFile(path: "index.html", text: "good")])
    // A file where a folder must go makes the write fail half-way.
    #expect(throws: SiteError.self) {
      try publisher.publish([
        OutputFile(path: "index.html", text: "half"), OutputFile(path: "index.html/inner.html", text: "x"),
      ])
    }
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.path) == ".output.a")
    #expect(try Self.read(output, "index.html") == "good")
  }

  @Test func pathsThatEscapeAreRefusedBeforeAnythingIsWritten() throws {
    for path in [
      "../x.html", "/etc/passwd", "a//b.html", "a/./b.html", "a\0b", "", "a/", "a/..", ".", "a/../b",
    ] {
      #expect(throws: SiteError.self) {
        try OutputPublisher(output: root.appendingPathComponent("output")).publish([
          OutputFile(path: path, text: "x")
        ])
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
  }

  @Test func filesWrittenFromSeveralThreadsIntoNewFoldersAllArrive() throws {
    let outcome = try OutputPublisher(output: output).publish { sink in
      try ConcurrentJobs.run(count: 2000) { index in
        try sink.write(OutputFile(path: "teams/t\(index % 50)/p\(index).html", text: "page \(index)"))
      }
    }
    #expect(outcome == .init(written: 2000, unchanged: 0, removed: 0))
    for index in [0, 49, 50, 1999] {
      #expect(try Self.read(output, "teams/t\(index % 50)/p\(index).html") == "page \(index)")
    }
  }

  @Test func namesWithDotsThatAreNotDotOrDotDotAreSafe() throws {
    for path in ["...", "a/.../b.html", ".well-known/x", "a/b..c/.d"] {
      #expect(throws: Never.self) { try OutputPublisher.checkPath(path) }
    }
  }

  @Test func theListOfDigestsReadsBackWhatWasWrittenAndNothingWhenDamaged() throws {
    let url = root.appendingPathComponent("tree.sums")
    let sums = [
      "index.html": FileSum(size: 0, high: 0, low: .max),
      "teams/a b/p.html": FileSum(size: 1_234_567, high: 0xdead_beef, low: 1),
      "ten.html": FileSum(size: 10, high: 1, low: 2), "nine.html": FileSum(size: 9, high: 1, low: 2),
    ]
    try TreeSums.write(sums, to: url)
    // One line per file, in no particular order.
    let text = try Self.read(root, "tree.sums")
    #expect(text.hasSuffix("\n"))
    #expect(
      text.split(separator: "\n").sorted() == [
        "0 ffffffffffffffff 0 index.html", "1 2 10 ten.html", "1 2 9 nine.html",
        "deadbeef 1 1234567 teams/a b/p.html",
      ])
    #expect(TreeSums.read(url) == sums)
    for damaged in ["0 1 2\n", "0 1 x index.html\n", "g 1 2 index.html\n", "0 1 2 \n", "0 1"] {
      try Data(damaged.utf8).write(to: url)
      #expect(TreeSums.read(url).isEmpty, "\(damaged)")
    }
  }

  @Test func aFileGeneratedTwiceIsAnError() throws {
    #expect(throws: SiteError.self) {
      try OutputPublisher(output: root.appendingPathComponent("output")).publish([
        OutputFile(path: "a.html", text: "1"), OutputFile(path: "a.html", text: "2"),
      ])
    }
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("output").path))
  }
}

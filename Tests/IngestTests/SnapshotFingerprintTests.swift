import Foundation
import Model
import Testing

@testable import Ingest

@Suite struct SnapshotFingerprintTests {
  private func setModified(_ url: URL, _ seconds: TimeInterval) throws {
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: url.path)
  }

  @Test func theQuickPartFollowsTimesAndTheContentPartFollowsBytes() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.jsonl", "{\"a\":1}\n")
    try folder.write("nested/inventory.json", "{\"RoleDetailList\":[]}\n")
    let file = folder.url.appendingPathComponent("findings.jsonl")
    try setModified(file, 1_700_000_000)
    let original = try SnapshotFingerprint.of(folder.url)
    #expect(try SnapshotFingerprint.of(folder.url) == original)
    #expect(try SnapshotFingerprint.quick(of: folder.url) == original.quick)

    // Touched, not changed: only the quick part moves.
    try setModified(file, 1_700_000_500)
    let touched = try SnapshotFingerprint.of(folder.url)
    #expect(touched.quick != original.quick)
    #expect(touched.content == original.content)

    // One byte changed, same size and time: only the content part moves.
    try folder.write("findings.jsonl", "{\"a\":2}\n")
    try setModified(file, 1_700_000_000)
    let edited = try SnapshotFingerprint.of(folder.url)
    #expect(edited.quick == original.quick)
    #expect(edited.content != original.content)
  }

  @Test func theQuickPartIsWhatEarlierVersionsStored() throws {
    // Earlier versions read sizes and times through FileManager; a different rounding of the
    // time would make every stored folder look changed, and a large site read them all again.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.jsonl", "{\"a\":1}\n")
    try folder.write("nested/inventory.json", "[]")
    var times = [
      timespec(tv_sec: 1_795_858_629, tv_nsec: 87_117_548),
      timespec(tv_sec: 1_795_858_629, tv_nsec: 87_117_548),
    ]
    #expect(utimensat(AT_FDCWD, folder.url.appendingPathComponent("findings.jsonl").path, &times, 0) == 0)
    var expected = FNV1a()
    for name in ["findings.jsonl", "nested/inventory.json"] {
      let attributes = try FileManager.default.attributesOfItem(
        atPath: folder.url.appendingPathComponent(name).path)
      let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
      let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      expected.add(name + "\u{0}\(size)\u{0}\(modified)\u{0}")
    }
    #expect(try SnapshotFingerprint.quick(of: folder.url) == expected.hex)
  }

  @Test func renamingOrAddingAFileChangesBothParts() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("a.json", "[]")
    try setModified(folder.url.appendingPathComponent("a.json"), 1_700_000_000)
    let before = try SnapshotFingerprint.of(folder.url)
    try FileManager.default.moveItem(
      at: folder.url.appendingPathComponent("a.json"), to: folder.url.appendingPathComponent("b.json"))
    let renamed = try SnapshotFingerprint.of(folder.url)
    #expect(renamed.quick != before.quick)
    #expect(renamed.content != before.content)
    try folder.write("c.json", "")
    let added = try SnapshotFingerprint.of(folder.url)
    #expect(added.quick != renamed.quick)
    #expect(added.content != renamed.content)
    // Hidden files are not part of the snapshot.
    try folder.write(".DS_Store", "x")
    #expect(try SnapshotFingerprint.of(folder.url) == added)
  }

  @Test func aContentPartStoredByEarlierVersionsIsComparedInItsOwnForm() throws {
    // Earlier versions hashed each file with FNV-1a and stored the content part without a
    // version: a folder copied since (new times, same bytes) must still match it.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.jsonl", "{\"a\":1}\n")
    try folder.write("nested/inventory.json", "[]")
    var legacy = FNV1a()
    for (name, text) in [("findings.jsonl", "{\"a\":1}\n"), ("nested/inventory.json", "[]")] {
      var file = FNV1a()
      file.add(text)
      legacy.add(name + "\u{0}" + String(file.value, radix: 16) + "\u{0}")
    }
    let stored = SnapshotFingerprint(quick: "0123456789abcdef", content: legacy.hex)
    #expect(try SnapshotFingerprint.of(folder.url, like: stored).content == legacy.hex)

    let current = try SnapshotFingerprint.of(folder.url)
    #expect(current.content.hasPrefix("2-"))
    #expect(current.content != "2-" + legacy.hex)
    #expect(try SnapshotFingerprint.of(folder.url, like: current) == current)

    try folder.write("findings.jsonl", "{\"a\":2}\n")
    #expect(try SnapshotFingerprint.of(folder.url, like: stored).content != legacy.hex)
  }

  @Test func theStoredForm() throws {
    let fingerprint = SnapshotFingerprint(quick: "0123456789abcdef", content: "fedcba9876543210")
    #expect(fingerprint.description == "0123456789abcdef/fedcba9876543210")
    #expect(SnapshotFingerprint(stored: fingerprint.description) == fingerprint)
    #expect(SnapshotFingerprint(stored: "0123456789abcdef") == nil)
    #expect(SnapshotFingerprint(stored: "a/b/c") == nil)
    #expect(SnapshotFingerprint(stored: "") == nil)
  }

  @Test func fnv1aMatchesThePublishedTestVectors() {
    var empty = FNV1a()
    empty.add("")
    #expect(empty.hex == "cbf29ce484222325")
    var a = FNV1a()
    a.add("a")
    #expect(a.hex == "af63dc4c8601ec8c")
    var foobar = FNV1a()
    foobar.add("foobar")
    #expect(foobar.hex == "85944171f73967e8")
    var bytes = FNV1a()
    Array("foobar".utf8).withUnsafeBytes { bytes.add(bytes: $0) }
    #expect(bytes.hex == foobar.hex)
    #expect(bytes.value == 0x8594_4171_f739_67e8)
  }
}

@Suite struct ReadFingerprintTests {
  @Test func theReaderHashesWhatItReadsAsTheFolderFingerprintDoes() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.json", "[]")
    try folder.write("sub/other.json", "[]\n")
    let read = try SnapshotReader().read(folder.snapshot()).fingerprint
    let separate = try SnapshotFingerprint.of(folder.url)
    #expect(read == separate)
    try folder.write("findings.json", "[ ]")
    #expect(try SnapshotFingerprint.of(folder.url).content != read.content)
  }
}

@Suite struct FileListingTests {
  @Test func regularFilesAtAnyDepthSortedWithHiddenOnesAndLinkedFoldersHandled() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("b.json", "1")
    try folder.write("a/z.json", "22")
    try folder.write("a/deeper/y.json", "333")
    try folder.write(".hidden.json", "x")
    try folder.write(".git/config", "x")
    let outside = try TemporaryFolder()
    defer { outside.remove() }
    try outside.write("linked.json", "4444")
    try FileManager.default.createSymbolicLink(
      at: folder.url.appendingPathComponent("link"), withDestinationURL: outside.url)
    let entries = try FileListing.regularFiles(under: folder.url)
    #expect(entries.map(\.relativePath) == ["a/deeper/y.json", "a/z.json", "b.json", "link/linked.json"])
    // Each path is the folder's joined with the relative path, and names the file itself.
    #expect(entries.map(\.path) == entries.map { folder.url.path + "/" + $0.relativePath })
    #expect(entries.map { FileListing.size(atPath: $0.path) } == [3, 2, 1, 4])
    #expect(
      try entries.map { try String(contentsOf: $0.url, encoding: .utf8) } == ["333", "22", "1", "4444"])
  }
}

import Foundation
import Model

enum FileOutcome: Sendable {
  case success(FileContent)
  case failure(IngestError)

  /// Reads the file at `position` of the listing with a worker's buffers.
  static func reading(
    _ file: FileListing.Entry, at position: Int, displayName: String, context: ReadContext,
    buffers: ReadBuffers
  ) -> FileOutcome {
    do {
      let content = try ExportFileReader.read(
        file.url, displayName: displayName, context: context, buffers: buffers)
      buffers.keep(file: position)
      return .success(content)
    } catch {
      return .failure(error)
    }
  }
}

/// What a worker reuses from one file to the next: the memory files are read into and the tape
/// they are parsed onto, so that reading thousands of files does not map or allocate thousands of
/// fresh buffers; and the digests of the files it read.
final class ReadBuffers: @unchecked Sendable {
  // Unchecked: a worker's buffers are used by that worker, then by the thread that collects them.
  private var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
  /// The digest of the bytes last loaded, until `keep(file:)` takes it.
  private var loaded: ContentDigest?
  let document: JSONDocument = {
    let document = JSONDocument(borrowing: UnsafeBufferPointer(start: nil, count: 0), file: "")
    document.interner = StringInterner()
    return document
  }()
  /// The content digest of each file kept, by its position in the listing.
  private(set) var digests: [(file: Int, digest: ContentDigest)] = []

  deinit {
    buffer.deallocate()
  }

  /// The whole content of the file, valid until the next call; nil when it cannot be read.
  func load(_ url: URL) -> UnsafeBufferPointer<UInt8>? {
    loaded = nil
    let descriptor = open(url.path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return nil }
    // One byte more than the size, so that reaching the end needs no second look.
    reserve(Int(status.st_size) + 1)
    var count = 0
    while true {
      if count == buffer.count { reserve(buffer.count * 2) }
      let read = Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
      if read < 0 { return nil }
      if read == 0 { break }
      count += read
    }
    // Digested now, while the bytes the kernel just copied are still in the cache.
    loaded = ContentDigest(of: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    return UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
  }

  /// Keeps the digest of the bytes last loaded as the content of the file at `file`.
  func keep(file: Int) {
    guard let loaded else { return }
    digests.append((file, loaded))
    self.loaded = nil
  }

  private func reserve(_ byteCount: Int) {
    guard byteCount > buffer.count else { return }
    let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: byteCount, alignment: 16)
    larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
    buffer.deallocate()
    buffer = larger
  }
}

/// Reads one export file of any supported shape.
enum ExportFileReader {
  static func read(_ url: URL, displayName: String, context: ReadContext, buffers: ReadBuffers)
    throws(IngestError) -> FileContent
  {
    guard let bytes = buffers.load(url) else {
      // Foundation words the reason as before.
      do {
        _ = try Data(contentsOf: url)
      } catch {
        throw IngestError(file: displayName, message: "cannot be read: \(error.localizedDescription)")
      }
      throw IngestError(file: displayName, message: "cannot be read")
    }
    buffers.document.reuse(for: bytes, file: displayName)
    var content = try read(bytes, displayName: displayName, context: context, document: buffers.document)
    content.observationRuns = ObservationRun.runs(of: content.observations)
    return content
  }

  static func read(
    _ bytes: UnsafeBufferPointer<UInt8>, displayName: String,
    context: ReadContext = ReadContext(day: Day(daysSinceEpoch: 0), thresholdDays: 90),
    document: JSONDocument? = nil
  ) throws(IngestError) -> FileContent {
    var start = 0
    if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
      throw IngestError(
        file: displayName, message: "the file is UTF-16 text",
        hint:
          "Save it as UTF-8 (Windows PowerShell 5 writes UTF-16 with `>`; use `| Out-File -Encoding utf8`)")
    }
    // A UTF-8 byte order mark, as some Windows editors and PowerShell redirections write.
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    let document = document ?? JSONDocument(borrowing: bytes, file: displayName)
    var parser = JSONParser(document: document, start: start)
    let first = parser.offsetAfterWhitespace()
    guard first < bytes.count else {
      throw IngestError(
        file: displayName, message: "the file is empty",
        hint: "An export with no findings is `[]`; remove the file if the export failed")
    }
    let lead = bytes[first]
    guard lead == UInt8(ascii: "{") || lead == UInt8(ascii: "[") else {
      if startsWith(bytes, at: first, "user,arn,") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[first...]), as: UTF8.self)
        var content = FileContent()
        content.add(
          try CredentialReportReader.read(
            csv: text, file: displayName, context: context, firstLine: parser.currentLine))
        return content
      }
      throw IngestError(
        file: displayName, line: parser.currentLine,
        message: "not a JSON export (it starts with neither '{' nor '[')",
        hint: "Put only AWS CLI JSON output (--output json) in snapshot folders")
    }
    return try readValues(&parser, document: document, context: context)
  }

  /// Reads the file's JSON values: one for a plain response or an array; several for JSON Lines
  /// or concatenated JSON. Each value is parsed onto the tape, then its records read from it.
  private static func readValues(_ parser: inout JSONParser, document: JSONDocument, context: ReadContext)
    throws(IngestError) -> FileContent
  {
    let bytes = document.bytes
    let displayName = document.file
    var content = FileContent()
    var recordIndex = 0
    while parser.offsetAfterWhitespace() < bytes.count {
      document.removeAllTokens()
      document.arrayIndexBase = recordIndex
      let root: JSONValue
      do {
        root = JSONValue(document: document, index: try parser.parseValue())
      } catch {
        throw IngestError(
          file: displayName, line: error.line,
          message: "invalid JSON at column \(error.column): \(error.message)")
      }
      if root.kind == .array {
        if root.isEmptyContainer { content.count(.analyzerFindings, 0) }
        try root.forEachElement { _, element throws(IngestError) in
          try content.add(record: JSONField(element), context: context)
          recordIndex += 1
        }
      } else {
        try content.add(record: JSONField(root), context: context)
        recordIndex += 1
      }
    }
    return content
  }

  private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ prefix: String)
    -> Bool
  {
    let expected = Array(prefix.utf8)
    guard bytes.count - offset >= expected.count else { return false }
    return (0..<expected.count).allSatisfy { bytes[offset + $0] == expected[$0] }
  }
}

extension FileContent {
  /// Reads one record (one AWS CLI response) and adds its contents.
  mutating func add(record: JSONField, context: ReadContext) throws(IngestError) {
    add(try AWSRecordReader.read(record, context: context, observations: &observations))
    if let marker = Truncation.marker(in: record) {
      truncated.append("\(record.file): the export is truncated (\(marker)); export every page")
    }
  }

  /// Adds one record's contents but its observations, which the reader appended itself. The
  /// record is taken over: its principals are moved into the lists, where binding them from a
  /// borrowed record copied each one, retaining its strings and arrays.
  mutating func add(_ record: consuming AWSRecord) {
    switch consume record {
    case .finding(let principal):
      count(.analyzerFindings)
      namedPrincipals.append(principal)
    case .otherFinding:
      count(.analyzerFindings, 0)
    case .inventory(let page):
      count(.inventory, page.principals.count)
      inventory.principals += page.principals
      inventory.managedDocuments.merge(page.managedDocuments) { first, _ in first }
      inventory.groupPolicies.merge(page.groupPolicies) { first, _ in first }
      inventory.userGroups.merge(page.userGroups) { first, _ in first }
    case .lastAccessed(let principal, let note):
      count(.lastAccessed)
      namedPrincipals.append(principal)
      if let note { notes.append(note) }
    case .summaries(let principals, let count):
      self.count(.findingSummaries, count)
      namedPrincipals += principals
    case .recommendation(let recommendation, let note):
      count(.recommendations)
      recommendations.append(recommendation)
      if let note { notes.append(note) }
    case .credentialReport(let report):
      add(report)
    }
  }

  /// Adds a credential report's contents.
  mutating func add(_ report: CredentialReport) {
    count(.credentialReport, report.principals.count + report.rootAccounts.count)
    namedPrincipals += report.principals
    observations += report.observations
    rootAccounts += report.rootAccounts
  }
}

/// Recognises an export that stopped at a page boundary: the AWS CLI paginates by itself, but a
/// script calling with `--no-paginate` or `--max-items` leaves a marker that more pages exist.
enum Truncation {
  static func marker(in record: JSONField) -> String? {
    if record.value.member("IsTruncated")?.kind == .true { return "IsTruncated is true" }
    for key: StaticString in ["nextToken", "NextToken", "Marker"] {
      if let token = record.value.member(key), token.kind == .string, !token.decodedString.isEmpty {
        return "\(key) left over"
      }
    }
    return nil
  }
}

/// A problem with one input file, precise enough to fix it: which file, which line, which field,
/// what was wrong, and what to do.
public struct IngestError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file, relative to the site folder (e.g. `content/analysis/2026-11-22/findings.jsonl`).
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
  /// The field path within the record (e.g. `findingDetails[0].unusedPermissionDetails.serviceNamespace`).
  public var field: String?
  /// What is wrong.
  public var message: String
  /// What to do about it, when there is a useful suggestion.
  public var hint: String?

  /// An error with every part given.
  public init(file: String, line: Int? = nil, field: String? = nil, message: String, hint: String? = nil) {
    self.file = file
    self.line = line
    self.field = field
    self.message = message
    self.hint = hint
  }

  /// `file:line: field: message (hint)`, the form editors and CI logs recognise.
  public var description: String {
    var text = file
    if let line { text += ":\(line)" }
    text += ": "
    if let field, !field.isEmpty { text += "field \(field): " }
    text += message
    if let hint { text += ". " + hint }
    return text
  }
}

/// Several input problems found in one pass, so that one run can report all of them.
public struct IngestErrors: Error, Sendable, CustomStringConvertible {
  /// The problems, in the order found.
  public var errors: [IngestError]

  /// A collection of problems.
  public init(_ errors: [IngestError]) {
    self.errors = errors
  }

  /// One problem per line.
  public var description: String {
    errors.map(\.description).joined(separator: "\n")
  }
}

/// Something odd in the input that does not stop the build, such as an export kind that is
/// recognised but not read, or an unknown key in `site.yml`.
public struct IngestWarning: Sendable, Hashable, CustomStringConvertible {
  /// The file, relative to the site folder.
  public var file: String
  /// The 1-based line, when known.
  public var line: Int?
  /// What is odd and what happens because of it.
  public var message: String

  /// A warning with every part given.
  public init(file: String, line: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`.
  public var description: String {
    file + (line.map { ":\($0)" } ?? "") + ": " + message
  }
}

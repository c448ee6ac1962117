/// A member of a policy statement that analysis does not interpret (`Resource`, `Condition`,
/// `Principal`, `NotAction`, ...), kept as pretty-printed JSON to be written back unchanged.
public struct RawMember: Hashable, Sendable, Codable {
  /// The member name.
  public var key: String
  /// Its value as JSON, pretty-printed with two-space indentation starting at column 0.
  public var json: String

  /// A member with its name and JSON.
  public init(key: String, json: String) {
    self.key = key
    self.json = json
  }
}

/// One statement of an IAM policy document.
public struct PolicyStatement: Hashable, Sendable, Codable {
  /// The statement id, when given.
  public var sid: String?
  /// `Allow` or `Deny`.
  public var effect: String
  /// The `Action` entries, a single string normalised to a list; nil when the statement has no
  /// `Action` (it uses `NotAction`, kept among the other members).
  public var actions: [String]?
  /// Every other member, in document order.
  public var otherMembers: [RawMember]

  /// A statement with every field given.
  public init(sid: String? = nil, effect: String, actions: [String]?, otherMembers: [RawMember] = []) {
    self.sid = sid
    self.effect = effect
    self.actions = actions
    self.otherMembers = otherMembers
  }
}

/// An IAM policy document, parsed from a JSON object or the URL-encoded string older CLI versions print.
public struct PolicyDocument: Hashable, Sendable, Codable {
  /// `2012-10-17` usually.
  public var version: String?
  /// The statements; a single statement object is normalised to a list of one.
  public var statements: [PolicyStatement]

  /// A document with every field given.
  public init(version: String?, statements: [PolicyStatement]) {
    self.version = version
    self.statements = statements
  }

  /// The document as pretty-printed JSON with two-space indentation, members in IAM's usual order.
  public var json: String {
    String(decoding: jsonUTF8, as: UTF8.self)
  }

  /// `json` as UTF-8 bytes. Written as bytes: every principal page prints its policies before and
  /// after, and compares them line by line, millions of lines at the size of a large organisation.
  public var jsonUTF8: [UInt8] {
    // Written through a pointer rather than appended to an array: a document is printed twice for
    // each principal's page, a few dozen parts a statement, and appending a part to an array
    // cost a hundred instructions.
    var bytes = PrintBuffer(capacity: 256 * (statements.count + 1))
    bytes.appendLiteral("{\n")
    if let version {
      bytes.appendLiteral("  \"Version\": ")
      PolicyDocument.appendQuoted(version, to: &bytes)
      bytes.appendLiteral(",\n")
    }
    bytes.appendLiteral("  \"Statement\": [")
    if !statements.isEmpty {
      bytes.append(UInt8(ascii: "\n"))
      // Statements, actions and members are read where they lie: iterating over the arrays
      // copied each statement (retaining and releasing its four fields) and each string.
      statements.withUnsafeBufferPointer { statements in
        for index in statements.indices {
          if index > 0 { bytes.appendLiteral(",\n") }
          PolicyDocument.appendStatement(statements.baseAddress! + index, to: &bytes)
        }
      }
      bytes.appendLiteral("\n  ")
    }
    bytes.appendLiteral("]\n}")
    return bytes.array()
  }

  /// A statement at the indentation of the document's `Statement` list. Each run of punctuation
  /// and indentation is one literal: a document is printed twice for each principal's page.
  private static func appendStatement(
    _ statement: UnsafePointer<PolicyStatement>, to bytes: inout PrintBuffer
  ) {
    bytes.appendLiteral("    {\n")
    if statement.pointee.sid != nil {
      bytes.appendLiteral("      \"Sid\": ")
      appendQuoted(statement.pointee.sid!, to: &bytes)
      bytes.appendLiteral(",\n")
    }
    bytes.appendLiteral("      \"Effect\": ")
    appendQuoted(statement.pointee.effect, to: &bytes)
    if statement.pointee.actions != nil {
      bytes.appendLiteral(",\n      \"Action\": ")
      statement.pointee.actions!.withUnsafeBufferPointer { actions in
        if actions.count == 1 {
          appendQuoted(actions[0], to: &bytes)
        } else if actions.isEmpty {
          bytes.appendLiteral("[]")
        } else {
          bytes.appendLiteral("[\n        ")
          for index in actions.indices {
            if index > 0 { bytes.appendLiteral(",\n        ") }
            appendQuoted(actions[index], to: &bytes)
          }
          bytes.appendLiteral("\n      ]")
        }
      }
    }
    statement.pointee.otherMembers.withUnsafeBufferPointer { members in
      for member in members.indices {
        appendMember(members.baseAddress! + member, to: &bytes)
      }
    }
    bytes.appendLiteral("\n    }")
  }

  /// A member the analysis does not read, at the indentation of a statement's members.
  private static func appendMember(_ member: UnsafePointer<RawMember>, to bytes: inout PrintBuffer) {
    bytes.appendLiteral(",\n      ")
    appendQuoted(member.pointee.key, to: &bytes)
    bytes.appendLiteral(": ")
    // Raw members are pretty-printed from column 0; their continuation lines are shifted in.
    member.pointee.json.withUTF8Bytes { raw in
      var lineStart = 0
      for index in raw.indices where raw[index] == UInt8(ascii: "\n") {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[lineStart...index]))
        bytes.appendLiteral("      ")
        lineStart = index + 1
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: raw[lineStart...]))
    }
  }

  /// Appends `value` as a JSON string literal.
  private static func appendQuoted(_ value: String, to bytes: inout PrintBuffer) {
    // Most names and actions need no escaping at all. Read in place: a string's `utf8` view
    // goes through its index machinery at each byte, ten times the cost.
    let isPlain = value.withUTF8Bytes { raw in
      guard !JSONEscapeScan.contains(raw) else { return false }
      bytes.append(UInt8(ascii: "\""))
      bytes.append(contentsOf: raw)
      bytes.append(UInt8(ascii: "\""))
      return true
    }
    if !isPlain { bytes.appendUTF8(quoted(value)) }
  }

  /// A JSON string literal.
  public static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }
}

/// A policy that grants a principal its permissions: inline, or managed and attached.
public struct AttachedPolicy: Hashable, Sendable, Codable {
  /// The policy name.
  public var name: String
  /// The managed policy's ARN; nil for an inline policy.
  public var arn: String?
  /// The document (the default version for managed policies); nil when the export lacks it.
  public var document: PolicyDocument?

  /// A policy with every field given.
  public init(name: String, arn: String?, document: PolicyDocument?) {
    self.name = name
    self.arn = arn
    self.document = document
  }

  /// Whether it is an inline policy.
  public var isInline: Bool { arn == nil }
}

/// What Access Analyzer recommends doing with one of a principal's policies.
public struct PolicyRecommendation: Hashable, Sendable, Codable {
  /// Replace the policy with a narrower one, or detach it.
  public enum Action: String, Hashable, Sendable, Codable {
    /// Replace the policy with `recommendedPolicy`.
    case createPolicy = "CREATE_POLICY"
    /// Detach the policy: nothing it grants is used.
    case detachPolicy = "DETACH_POLICY"
  }

  /// The policy concerned: a managed policy's ARN or an inline policy's name.
  public var existingPolicyID: String
  /// What to do.
  public var action: Action
  /// The replacement, for `createPolicy`.
  public var recommendedPolicy: PolicyDocument?

  /// A recommendation with every field given.
  public init(existingPolicyID: String, action: Action, recommendedPolicy: PolicyDocument?) {
    self.existingPolicyID = existingPolicyID
    self.action = action
    self.recommendedPolicy = recommendedPolicy
  }
}

/// Access Analyzer's recommendation for one principal (`get-finding-recommendation`).
public struct PrincipalRecommendations: Hashable, Sendable, Codable {
  /// The principal's ARN.
  public var principalARN: String
  /// `SUCCEEDED`, `FAILED` or `IN_PROGRESS`.
  public var status: String
  /// One step per policy, when it succeeded.
  public var steps: [PolicyRecommendation]
  /// Why it failed, when it did.
  public var errorMessage: String?

  /// Recommendations with every field given.
  public init(
    principalARN: String, status: String, steps: [PolicyRecommendation], errorMessage: String? = nil
  ) {
    self.principalARN = principalARN
    self.status = status
    self.steps = steps
    self.errorMessage = errorMessage
  }
}

/// The root user of an account as the credential report describes it: shown on the organisation
/// page, never assigned to a team.
public struct RootAccount: Hashable, Sendable, Codable {
  /// The 12-digit account.
  public var accountID: String
  /// When the root password was last used; nil when never or unknown.
  public var passwordLastUsed: Day?
  /// Whether the root user has MFA.
  public var mfaActive: Bool
  /// How many root access keys are active (there should be none).
  public var activeAccessKeys: Int
  /// When a root access key was last used, if ever.
  public var accessKeyLastUsed: Day?

  /// A root account with every field given.
  public init(
    accountID: String, passwordLastUsed: Day?, mfaActive: Bool, activeAccessKeys: Int, accessKeyLastUsed: Day?
  ) {
    self.accountID = accountID
    self.passwordLastUsed = passwordLastUsed
    self.mfaActive = mfaActive
    self.activeAccessKeys = activeAccessKeys
    self.accessKeyLastUsed = accessKeyLastUsed
  }
}

extension Day: Codable {
  /// Decodes `YYYY-MM-DD`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let day = Day(iso: text) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "not a YYYY-MM-DD date: \(text)")
    }
    self = day
  }

  /// Encodes `YYYY-MM-DD`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(iso)
  }
}

/// The bytes of a document being printed, appended through a pointer into memory of its own.
private struct PrintBuffer: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int

  init(capacity: Int) {
    self.capacity = Swift.max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// The bytes written, as an array of their own.
  func array() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

  mutating func append(_ byte: UInt8) {
    if count == capacity { grow(to: count + 1) }
    base[count] = byte
    count += 1
  }

  mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress else { return }
    if count + bytes.count > capacity { grow(to: count + bytes.count) }
    (base + count).initialize(from: source, count: bytes.count)
    count += bytes.count
  }

  mutating func appendLiteral(_ text: StaticString) {
    // `withUTF8Buffer` rather than `utf8Start`, which a one-character literal does not have.
    text.withUTF8Buffer { append(contentsOf: $0) }
  }

  mutating func appendUTF8(_ text: String) {
    text.withUTF8Bytes { append(contentsOf: $0) }
  }

  private mutating func grow(to needed: Int) {
    let larger = Swift.max(needed, capacity * 2)
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
    moved.moveInitialize(from: base, count: count)
    base.deallocate()
    base = moved
    capacity = larger
  }
}

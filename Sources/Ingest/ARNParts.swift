import Foundation
import Model

/// The parts of an IAM ARN exactly as `IAMARN` splits them, read from the ARN's bytes: every
/// finding, job and inventory entry names its principal by ARN, and splitting into arrays of
/// substrings for each was a large share of reading a snapshot.
struct ARNParts {
  var accountID: String
  var kind: PrincipalKind
  var path: String
  var name: String

  /// Nil when `text` is not an ARN (`arn:partition:service:region:account:resource`).
  init?(_ text: String) {
    switch text.withUTF8Bytes({ Self.split($0) }) {
    case .parts(let parts): self = parts
    case .notAnARN: return nil
    case .notASCII:
      // `IAMARN` splits by characters, which only ASCII lets us do by bytes.
      guard let arn = IAMARN(text) else { return nil }
      self.init(accountID: arn.accountID, kind: arn.kind, path: arn.path, name: arn.name)
    }
  }

  private init(accountID: String, kind: PrincipalKind, path: String, name: String) {
    self.accountID = accountID
    self.kind = kind
    self.path = path
    self.name = name
  }

  private enum Split {
    case parts(ARNParts)
    case notAnARN
    case notASCII
  }

  private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> Split {
    // One pass finds the colons that matter and tells ASCII from the rest; a list of the colons
    // and the collection algorithms over ranges cost three times as much for each of the
    // hundreds of thousands of ARNs a snapshot names.
    let colon = UInt8(ascii: ":")
    var high: UInt8 = 0
    var colons = 0
    var accountStart = 0
    var resourceStart = 0
    var firstColon = -1
    for offset in 0..<bytes.count {
      let byte = bytes[offset]
      high |= byte
      guard byte == colon, colons < 5 else { continue }
      colons += 1
      switch colons {
      case 1: firstColon = offset
      case 4: accountStart = offset + 1
      case 5: resourceStart = offset + 1
      default: break
      }
    }
    guard high < 0x80 else { return .notASCII }
    guard colons == 5, firstColon == 3, bytes[0] == UInt8(ascii: "a"), bytes[1] == UInt8(ascii: "r"),
      bytes[2] == UInt8(ascii: "n")
    else { return .notAnARN }
    func text(_ start: Int, _ end: Int) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
    let accountID = text(accountStart, resourceStart - 1)
    var firstSlash = -1
    var lastSlash = -1
    for offset in resourceStart..<bytes.count where bytes[offset] == UInt8(ascii: "/") {
      if firstSlash < 0 { firstSlash = offset }
      lastSlash = offset
    }
    let typeEnd = firstSlash < 0 ? bytes.count : firstSlash
    func typeIs(_ word: StaticString) -> Bool {
      typeEnd - resourceStart == word.utf8CodeUnitCount
        && memcmp(bytes.baseAddress! + resourceStart, word.utf8Start, word.utf8CodeUnitCount) == 0
    }
    let kind: PrincipalKind = typeIs("role") ? .role : typeIs("user") ? .user : .other
    guard firstSlash >= 0 else {
      return .parts(
        ARNParts(accountID: accountID, kind: kind, path: "/", name: text(resourceStart, bytes.count)))
    }
    let path =
      firstSlash == lastSlash ? "/" : String(concatenating: "/", text(firstSlash + 1, lastSlash), "/")
    return .parts(
      ARNParts(accountID: accountID, kind: kind, path: path, name: text(lastSlash + 1, bytes.count)))
  }
}

extension Principal {
  /// The same principal as `Principal(arnOnly:kind:)`, its ARN split by `ARNParts`.
  static func named(_ arn: String, kind fallbackKind: PrincipalKind = .other) -> Principal {
    named(arn, parts: ARNParts(arn), kind: fallbackKind)
  }

  /// `named(_:kind:)` for an ARN the caller has split already.
  static func named(_ arn: String, parts: ARNParts?, kind fallbackKind: PrincipalKind = .other) -> Principal {
    Principal(
      arn: arn, kind: parts.map { $0.kind == .other ? fallbackKind : $0.kind } ?? fallbackKind,
      name: parts?.name ?? arn, accountID: parts?.accountID ?? "", path: parts?.path ?? "/",
      isInInventory: false)
  }
}

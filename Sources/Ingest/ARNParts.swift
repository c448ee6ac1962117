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
    guard bytes.allSatisfy({ $0 < 0x80 }) else { return .notASCII }
    var colons: [Int] = []
    for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: ":") {
      colons.append(offset)
      if colons.count == 5 { break }
    }
    guard colons.count == 5, UnsafeBufferPointer(rebasing: bytes[0..<colons[0]]).elementsEqual("arn".utf8)
    else { return .notAnARN }
    func text(_ range: Range<Int>) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
    let accountID = text(colons[3] + 1..<colons[4])
    let resource = (colons[4] + 1)..<bytes.count
    let firstSlash = resource.first { bytes[$0] == UInt8(ascii: "/") }
    let type = UnsafeBufferPointer(rebasing: bytes[resource.lowerBound..<(firstSlash ?? resource.upperBound)])
    let kind: PrincipalKind =
      type.elementsEqual("role".utf8) ? .role : type.elementsEqual("user".utf8) ? .user : .other
    guard let firstSlash, let lastSlash = resource.last(where: { bytes[$0] == UInt8(ascii: "/") }) else {
      return .parts(ARNParts(accountID: accountID, kind: kind, path: "/", name: text(resource)))
    }
    let path = firstSlash == lastSlash ? "/" : "/" + text(firstSlash + 1..<lastSlash) + "/"
    return .parts(
      ARNParts(accountID: accountID, kind: kind, path: path, name: text(lastSlash + 1..<bytes.count)))
  }
}

extension Principal {
  /// The same principal as `Principal(arnOnly:kind:)`, its ARN split by `ARNParts`.
  static func named(_ arn: String, kind fallbackKind: PrincipalKind = .other) -> Principal {
    let parts = ARNParts(arn)
    return Principal(
      arn: arn, kind: parts.map { $0.kind == .other ? fallbackKind : $0.kind } ?? fallbackKind,
      name: parts?.name ?? arn, accountID: parts?.accountID ?? "", path: parts?.path ?? "/",
      isInInventory: false)
  }
}

import Model
import Testing

@Suite struct UnusedAccessTests {
  static let arn = "arn:aws:iam::111122223333:role/payments-api"

  @Test func theServicePrefixIsStripped() {
    let prefixed = UnusedAccess.permission(principalARN: Self.arn, service: "s3", action: "s3:GetObject")
    let bare = UnusedAccess.permission(principalARN: Self.arn, service: "s3", action: "GetObject")
    #expect(prefixed == bare)
    #expect(prefixed.principalARN == Self.arn)
    #expect(prefixed.kind == .permission)
    #expect(prefixed.service == "s3")
    #expect(prefixed.detail == "GetObject")
    #expect(prefixed.key == "permission s3:getobject")
    #expect(prefixed.displayName == "s3:GetObject")
  }

  @Test(arguments: [nil, "", "s3:"] as [String?])
  func noActionMeansTheWholeService(action: String?) {
    let access = UnusedAccess.permission(principalARN: Self.arn, service: "S3", action: action)
    #expect(access.detail == "*")
    #expect(access.key == "permission s3:*")
    #expect(access.displayName == "s3:*")
  }

  @Test func theServiceIsLowerCased() {
    let access = UnusedAccess.permission(principalARN: Self.arn, service: "DynamoDB", action: "DeleteTable")
    #expect(access.service == "dynamodb")
    #expect(access.displayName == "dynamodb:DeleteTable")
    #expect(
      UnusedAccess(principalARN: Self.arn, kind: .permission, service: "KMS", detail: "*").service == "kms")
  }

  @Test func actionsAreTheSameKeyIgnoringCaseButKeepTheirSpelling() {
    let first = UnusedAccess.permission(principalARN: Self.arn, service: "S3", action: "S3:getObject")
    let second = UnusedAccess.permission(principalARN: Self.arn, service: "s3", action: "s3:GetObject")
    #expect(first.key == second.key)
    #expect(first != second)
    #expect(first.displayName == "s3:getObject")
    #expect(second.displayName == "s3:GetObject")
    let merged = Observation(access: first, status: .active).merged(
      with: Observation(access: second, status: .active))
    #expect(merged.access.displayName == "s3:getObject")
  }

  @Test func differentActionsAndServicesAreDifferentKeys() {
    let get = UnusedAccess.permission(principalARN: Self.arn, service: "s3", action: "GetObject")
    let put = UnusedAccess.permission(principalARN: Self.arn, service: "s3", action: "PutObject")
    let other = UnusedAccess.permission(principalARN: Self.arn, service: "s3express", action: "GetObject")
    #expect(Set([get.key, put.key, other.key]).count == 3)
  }

  @Test(arguments: ["GetObject", "getobject", "Get_Object-2", "ÉtatGet", "Zz@[`{", ""])
  func aPermissionKeyLowersItsDetailAsLowercasedDoes(detail: String) {
    let access = UnusedAccess(principalARN: Self.arn, kind: .permission, service: "s3", detail: detail)
    #expect(access.key == "permission s3:" + detail.lowercased())
  }

  @Test func keysAndNamesOfTheOtherKinds() {
    let role = UnusedAccess(principalARN: Self.arn, kind: .role)
    #expect(role.key == "role")
    #expect(role.displayName == "the whole role")
    let key = UnusedAccess(principalARN: Self.arn, kind: .accessKey, detail: "AKIAIOSFODNN7EXAMPLE")
    #expect(key.key == "accessKey AKIAIOSFODNN7EXAMPLE")
    #expect(key.displayName == "access key AKIAIOSFODNN7EXAMPLE")
    let password = UnusedAccess(principalARN: Self.arn, kind: .password)
    #expect(password.key == "password")
    #expect(password.displayName == "console password")
    #expect(role.service == "")
    #expect(role.detail == "")
  }

  @Test func kindsMapToFindingTypesAndSortPermissionsFirst() {
    #expect(
      UnusedAccessKind.allCases.map(\.findingType) == [
        "UnusedPermission", "UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword",
        "UnusedPermission",
      ])
    #expect(
      [UnusedAccessKind.password, .role, .permission, .accessKey].sorted() == [
        .permission, .role, .accessKey, .password,
      ])
  }

  @Test func statusesParseFromTheAWSNamesAndRankOpenFirst() {
    #expect(FindingStatus(rawValue: "ACTIVE") == .active)
    #expect(FindingStatus(rawValue: "ARCHIVED") == .archived)
    #expect(FindingStatus(rawValue: "RESOLVED") == .resolved)
    #expect(FindingStatus(rawValue: "active") == nil)
    #expect(FindingStatus.active.precedence > FindingStatus.archived.precedence)
    #expect(FindingStatus.archived.precedence > FindingStatus.resolved.precedence)
  }
}

@Suite struct ObservationMergeTests {
  static let access = UnusedAccess.permission(
    principalARN: "arn:aws:iam::111122223333:role/payments-api", service: "s3", action: "GetObject")

  private func observation(
    _ status: FindingStatus, id: String, lastUsed: String? = nil, created: String? = nil
  ) -> Observation {
    Observation(
      access: Self.access, status: status, lastUsedOn: lastUsed.flatMap { Day(iso: $0) }, findingID: id,
      findingCreatedOn: created.flatMap { Day(iso: $0) })
  }

  @Test(arguments: [
    (FindingStatus.active, FindingStatus.archived, FindingStatus.active),
    (.archived, .active, .active),
    (.active, .resolved, .active),
    (.resolved, .active, .active),
    (.archived, .resolved, .archived),
    (.resolved, .archived, .archived),
    (.resolved, .resolved, .resolved),
  ])
  func theMorePressingStatusWinsInEitherOrder(
    first: FindingStatus, second: FindingStatus, winner: FindingStatus
  ) {
    let merged = observation(first, id: "first").merged(with: observation(second, id: "second"))
    #expect(merged.status == winner)
    #expect(merged.findingID == (first == winner ? "first" : "second"))
  }

  @Test func theLatestUseAndTheEarliestFindingAreKept() {
    let a = observation(.archived, id: "a", lastUsed: "2026-05-02", created: "2026-09-01")
    let b = observation(.active, id: "b", lastUsed: "2026-06-10", created: "2026-08-15")
    for merged in [a.merged(with: b), b.merged(with: a)] {
      #expect(merged.status == .active)
      #expect(merged.findingID == "b")
      #expect(merged.lastUsedOn?.iso == "2026-06-10")
      #expect(merged.findingCreatedOn?.iso == "2026-08-15")
    }
    let c = observation(.active, id: "c", lastUsed: "2026-07-01", created: "2026-01-01")
    let d = observation(.resolved, id: "d", lastUsed: "2026-01-01", created: "2026-12-01")
    #expect(c.merged(with: d).lastUsedOn?.iso == "2026-07-01")
    #expect(d.merged(with: c).findingCreatedOn?.iso == "2026-01-01")
  }

  @Test func aMissingDateDoesNotWipeAKnownOne() {
    let known = observation(.resolved, id: "known", lastUsed: "2026-05-02", created: "2026-09-01")
    let unknown = observation(.active, id: "unknown")
    for merged in [known.merged(with: unknown), unknown.merged(with: known)] {
      #expect(merged.findingID == "unknown")
      #expect(merged.lastUsedOn?.iso == "2026-05-02")
      #expect(merged.findingCreatedOn?.iso == "2026-09-01")
    }
    let neither = observation(.active, id: "x").merged(with: observation(.active, id: "y"))
    #expect(neither.lastUsedOn == nil)
    #expect(neither.findingCreatedOn == nil)
    #expect(neither.findingID == "x")
  }
}

@Suite struct UnusedAccessKindOrderTests {
  @Test func kindsSortAsTheyAreDeclared() {
    #expect(UnusedAccessKind.allCases.shuffled().sorted() == UnusedAccessKind.allCases)
    for (index, kind) in UnusedAccessKind.allCases.enumerated() {
      for (otherIndex, other) in UnusedAccessKind.allCases.enumerated() {
        #expect((kind < other) == (index < otherIndex))
      }
    }
  }
}

@Suite struct ASCIIKeyTests {
  static let arn = "arn:aws:iam::111122223333:user/ana"

  /// The key written at the start of a buffer of `asciiKeyCapacity` bytes, or nil.
  static func written(_ access: UnusedAccess) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0xFF, count: access.asciiKeyCapacity)
    let count = bytes.withUnsafeMutableBufferPointer { access.writeASCIIKey(to: $0.baseAddress!) }
    return count.map { Array(bytes[..<$0]) }
  }

  @Test func anASCIIKeyIsWrittenAsItsStringsBytes() {
    let accesses = [
      UnusedAccess.permission(principalARN: Self.arn, service: "s3", action: "s3:GetObject"),
      UnusedAccess.permission(principalARN: Self.arn, service: "iot-data", action: nil),
      UnusedAccess(principalARN: Self.arn, kind: .accessKey, detail: "AKIAEXAMPLE"),
      UnusedAccess(principalARN: Self.arn, kind: .undetailedFinding, detail: "0f6e2d9c-1111"),
      UnusedAccess(principalARN: Self.arn, kind: .role),
      UnusedAccess(principalARN: Self.arn, kind: .password),
    ]
    for access in accesses {
      #expect(Self.written(access) == Array(access.key.utf8), "\(access.key)")
    }
    #expect(
      Self.written(accesses[0]).map { String(decoding: $0, as: UTF8.self) } == "permission s3:getobject")
    #expect(Self.written(accesses[2]).map { String(decoding: $0, as: UTF8.self) } == "accessKey AKIAEXAMPLE")
  }

  @Test func aKeyBeyondASCIIIsNotWritten() {
    let accesses = [
      UnusedAccess.permission(principalARN: Self.arn, service: "s3", action: "Caf\u{e9}"),
      UnusedAccess.permission(principalARN: Self.arn, service: "s\u{e9}", action: "GetObject"),
      UnusedAccess(principalARN: Self.arn, kind: .accessKey, detail: "AKIA\u{212A}"),
      UnusedAccess(principalARN: Self.arn, kind: .undetailedFinding, detail: "\u{e9}"),
    ]
    for access in accesses {
      #expect(Self.written(access) == nil, "\(access.key)")
    }
  }
}

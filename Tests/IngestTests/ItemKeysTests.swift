import Model
import Testing

@testable import Ingest

@Suite struct ItemKeysTests {
  static let arn = "arn:aws:iam::111122223333:user/ana"

  /// Accesses whose keys must compare exactly as `key` strings do: the order decides the order
  /// observations, and so new items' ids, are stored in.
  static let accesses: [UnusedAccess] = [
    .permission(principalARN: arn, service: "s3", action: "GetObject"),
    .permission(principalARN: arn, service: "s3", action: "GetObjectAcl"),
    .permission(principalARN: arn, service: "s3", action: nil),
    // `s3-outposts:` sorts before `s3:` as a string (`-` is below `:`), though `s3` is shorter.
    .permission(principalARN: arn, service: "s3-outposts", action: "GetObject"),
    .permission(principalARN: arn, service: "ec2", action: "DescribeInstances"),
    .permission(principalARN: arn, service: "ec2", action: "DescribeInstanceStatus"),
    // Lower-cased, the Kelvin sign is the letter k: this key equals the one after it.
    .permission(principalARN: arn, service: "s3", action: "\u{212A}ey"),
    .permission(principalARN: arn, service: "s3", action: "key"),
    .permission(principalARN: arn, service: "s3", action: "caf\u{e9}"),
    .permission(principalARN: arn, service: "s3", action: "cafe\u{301}"),
    .permission(principalARN: arn, service: "s3", action: "cafz"),
    UnusedAccess(principalARN: arn, kind: .accessKey, detail: "AKIAEXAMPLE"),
    UnusedAccess(principalARN: arn, kind: .accessKey, detail: "AKIAEXAMPLE2"),
    UnusedAccess(principalARN: arn, kind: .undetailedFinding, detail: "0f6e2d9c"),
    UnusedAccess(principalARN: arn, kind: .role),
    UnusedAccess(principalARN: arn, kind: .password),
  ]

  @Test func keysCompareAsTheirStringsDo() {
    let buffer = ObservationBuffer(capacity: Self.accesses.count)
    for access in Self.accesses { buffer.append(Observation(access: access, status: .active)) }
    let keys = ItemKeys(buffer)
    for a in Self.accesses.indices {
      for b in Self.accesses.indices {
        let (first, second) = (Self.accesses[a].key, Self.accesses[b].key)
        let expected = first < second ? -1 : (first == second ? 0 : 1)
        #expect(keys.compare(a, b).signum() == expected, "\(first) against \(second)")
      }
    }
  }

  @Test func theKelvinSignKeyEqualsTheASCIIOne() {
    let buffer = ObservationBuffer(capacity: 2)
    buffer.append(Observation(access: Self.accesses[6], status: .active))
    buffer.append(Observation(access: Self.accesses[7], status: .active))
    #expect(ItemKeys(buffer).compare(0, 1) == 0)
  }
}

import Model
import Testing

@testable import Analysis

@Suite struct OrderingTests {
  @Test func lowercasedComparisonAgreesWithComparingLowercasedStrings() {
    let words = [
      "GetObject", "getobject", "Get", "GETOBJECTS", "", "ListBucket", "list", "Zeta", "a", "É", "é", "éa",
      "[x]", "_y", "s3:PutBucketTagging", "S3:PUTBUCKETTAGGINGS", "s3:putbucket", "aé", "aÉb", "ab\u{0}",
    ]
    for a in words {
      for b in words {
        #expect(CurrentState.lowercasedPrecedes(a, b) == (a.lowercased() < b.lowercased()), "\(a) < \(b)")
      }
    }
  }

  @Test func theOldestItemsAreTheFirstOfTheFullSort() {
    var generator = SystemRandomNumberGenerator()
    var offered: [(OpenItem, Principal)] = []
    var oldest = OldestItems(limit: 10)
    for index in 0..<200 {
      let principal = Principal(
        arn: "arn:aws:iam::1:role/r\(Int.random(in: 0..<20, using: &generator))", kind: .role, name: "r",
        accountID: "1")
      let item = OpenItem(
        kind: .permission, service: "s3", detail: "A\(index % 7)", displayName: "s3:A\(index % 7)",
        lastUsedOn: nil, openSince: Day(iso: "2026-01-01")!,
        daysOpen: Int.random(in: 0..<30, using: &generator),
        isAccepted: false, findingID: "", principalKind: .role, sources: .analyzer)
      offered.append((item, principal))
      oldest.offer(item, of: principal, teamID: "t")
    }
    let sorted = offered.sorted {
      ($1.0.daysOpen, $0.1.arn, $0.0.displayName) < ($0.0.daysOpen, $1.1.arn, $1.0.displayName)
    }
    #expect(
      oldest.items.map { "\($0.item.daysOpen) \($0.principal.arn) \($0.item.displayName)" }
        == sorted.prefix(10).map { "\($0.0.daysOpen) \($0.1.arn) \($0.0.displayName)" })
  }
}

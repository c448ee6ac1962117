import Model
import Testing

@Suite struct PageOrderTests {
  @Test func textsTheOrderDoesNotTellApartShareARank() {
    let texts = ["b", "GetObject", "a", "getobject", "A", "Zeta", "é", "É"]
    #expect(PageOrder.ranks(of: texts, by: PageOrder.lowercasedPrecedes) == [1, 2, 0, 2, 0, 3, 4, 4])
    #expect(PageOrder.ranks(of: texts, by: <) == [4, 1, 3, 5, 0, 2, 7, 6])
    #expect(PageOrder.ranks(of: [], by: <) == [])
  }

  @Test func keysOrderItemsAsComparingTheirTextsDoes() {
    let texts = ["s3", "ec2", "S3", "GetObject", "getObject", "PutObject", "*", "AKIAEXAMPLE", "é", "e", "f"]
    let serviceRanks = PageOrder.ranks(of: texts, by: <)
    let detailRanks = PageOrder.ranks(of: texts, by: PageOrder.lowercasedPrecedes)
    var items: [(UnusedAccessKind, Int, Int)] = []
    for kind in UnusedAccessKind.allCases {
      for service in texts.indices.prefix(4) {
        for detail in texts.indices { items.append((kind, service, detail)) }
      }
    }
    for a in items {
      for b in items {
        let keyA = PageOrder.key(kind: a.0, serviceRank: serviceRanks[a.1], detailRank: detailRanks[a.2])
        let keyB = PageOrder.key(kind: b.0, serviceRank: serviceRanks[b.1], detailRank: detailRanks[b.2])
        let precedes = PageOrder.precedes(a.0, texts[a.1], texts[a.2], b.0, texts[b.1], texts[b.2])
        #expect((keyA < keyB) == precedes, "\(a) \(b)")
      }
    }
  }

  @Test func permissionsComeFirstThenServicesThenActionsWithoutRegardToCase() {
    #expect(PageOrder.precedes(.permission, "s3", "Zeta", .role, "", ""))
    #expect(!PageOrder.precedes(.role, "", "", .permission, "s3", "Zeta"))
    #expect(PageOrder.precedes(.permission, "ec2", "Zeta", .permission, "s3", "Alpha"))
    #expect(PageOrder.precedes(.permission, "s3", "alpha", .permission, "s3", "Beta"))
    #expect(!PageOrder.precedes(.permission, "s3", "Alpha", .permission, "s3", "alpha"))
    #expect(!PageOrder.precedes(.permission, "s3", "alpha", .permission, "s3", "Alpha"))
  }
}

import Foundation
import GRDB
import Testing

@testable import History

/// The buffers histories are read into and written from during a recording.
@Suite struct HistoryBuffersTests {
  @Test func historiesWrittenBatchByBatchAreFoundByRow() {
    var recorded = RecordedHistories(stored: HistoryBatch(), ids: [1, 2, 3, 4])
    recorded.keep([1, 2, 3, 9, 9], changed: [(row: 0, range: 0..<3)])
    recorded.keep([5], changed: [])
    recorded.keep([7, 8, 6], changed: [(row: 3, range: 1..<2), (row: 2, range: 2..<3)])
    #expect(recorded.withHistory(ofRow: 0) { Array($0) } == [1, 2, 3])
    #expect(recorded.withHistory(ofRow: 2) { Array($0) } == [6])
    #expect(recorded.withHistory(ofRow: 3) { Array($0) } == [8])
    // Neither written nor stored.
    #expect(recorded.withHistory(ofRow: 1) { _ in true } == nil)
  }

  @Test func aBatchCountsTheBytesOfTheRowsItHolds() throws {
    let queue = try DatabaseQueue()
    try queue.write { db in
      try db.execute(sql: "CREATE TABLE history (principal INTEGER PRIMARY KEY, data BLOB NOT NULL)")
      for (id, count) in [(1, 3), (2, 5), (3, 7), (4, 11)] {
        try db.execute(
          sql: "INSERT INTO history VALUES (?, ?)", arguments: [id, Data(repeating: UInt8(id), count: count)])
      }
      let rows = (1...4).map {
        PrincipalRows.Row(
          id: Int64($0), arn: "arn:\($0)", signature: 0, policies: 0..<0, inlineHash: 0, recommendations: nil,
          recommendationsDay: nil)
      }
      var batch = HistoryBatch()
      try batch.load(
        1..<4, of: rows, bytes: 23,
        using: try RawStatement(
          db, "SELECT principal, data FROM history WHERE principal BETWEEN ? AND ? ORDER BY principal"))
      #expect(batch.byteCount(ofRows: 1..<4) == 23)
      #expect(batch.byteCount(ofRows: 2..<3) == 7)
      // Rows it does not hold count nothing.
      #expect(batch.byteCount(ofRows: 0..<2) == 5)
      #expect(batch.byteCount(ofRows: 4..<9) == 0)
      #expect(batch.withHistory(ofRow: 3) { Array($0) } == Array(repeating: 4, count: 11))
    }
  }

  @Test func anItemIsClaimedOnce() async {
    let claims = ItemClaims(count: 1000)
    // Two tasks claim every item: each item goes to exactly one of them.
    async let first = (0..<1000).filter { claims.claim($0) }
    async let second = (0..<1000).reversed().filter { claims.claim($0) }
    let (mine, theirs) = await (first, second)
    #expect(mine.count + theirs.count == 1000)
    #expect(Set(mine).isDisjoint(with: theirs))
    #expect((0..<1000).allSatisfy { claims.isClaimed($0) })
    #expect(!claims.claim(7))
    #expect(!ItemClaims(count: 3).isClaimed(2))
  }
}

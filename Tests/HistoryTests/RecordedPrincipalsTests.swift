import Foundation
import Model
import Testing

@testable import History

/// The principals and histories a recording hands to the next timeline stand for reading the store
/// again: the timeline is the same as one read by a store opened afterwards.
@Suite struct RecordedPrincipalsTests {
  typealias Store = CompactStoreTests

  /// The newest snapshot lists `api` twice with different descriptions (the later entry is the
  /// one stored), `worker` through an entry that names only its ARN (which never replaces an
  /// inventory description), and `bob` not at all.
  static let twice = Store.snapshot(
    "2026-07-31",
    principals: [
      Store.principal(Store.api, lastUsed: "2026-07-01"),
      Principal(arnOnly: Store.worker, kind: .role),
      Store.principal(Store.api, inline: "kms:Decrypt", lastUsed: "2026-07-30"),
    ],
    [
      Store.permission(Store.api, "s3:GetObject", .active),
      Store.permission(Store.worker, "s3:PutObject", .active),
    ])

  @Test func aTimelineAfterEachRecordingIsTheOneReadAfresh() throws {
    let url = try Store.temporaryStore()
    let store = try HistoryStore(url: url)
    for (number, snapshot) in (Store.history + [Store.later, Self.twice]).enumerated() {
      try store.record(snapshot, fingerprint: "\(number)")
      let handed = store.lastRecording.withLock { $0?.principals.ids.count }
      // Every principal's history is handed, written or not.
      let histories = store.lastRecording.withLock { recording in
        recording.map { recording in
          recording.histories.ids.indices.filter {
            recording.histories.withHistory(ofRow: $0) { _ in } != nil
          }.count
        }
      }
      #expect(histories == [3, 4, 4, 4, 4, 4, 4, 4][number], "\(number)")
      // The snapshot without an inventory names principals only by ARN, which describes none;
      // `twice` describes only `api`.
      #expect(handed == [3, 4, 0, 2, 2, 2, 2, 1][number], "\(number)")
      let found = try store.timeline()
      #expect(store.lastRecording.withLock { $0 == nil }, "\(number): taken by the timeline")
      let afresh = try HistoryStore(url: url).timeline()
      Store.expectSame(found, afresh, "\(number)")
      #expect(found.itemPageOrder == afresh.itemPageOrder && found.itemTexts == afresh.itemTexts, "\(number)")
    }
  }

  @Test func aTimelineLaidOutOnTwoCoresIsTheOneReadAfresh() throws {
    let url = try Store.temporaryStore()
    let store = try HistoryStore(url: url)
    for (number, snapshot) in (Store.history + [Store.later, Self.twice]).enumerated() {
      try store.record(snapshot, fingerprint: "\(number)")
      // From one principal on: the first half of them on this core, the rest on another.
      let found = try store.timeline(sharingFrom: 1)
      let afresh = try HistoryStore(url: url).timeline()
      Store.expectSame(found, afresh, "\(number)")
      #expect(found.itemPageOrder == afresh.itemPageOrder && found.itemTexts == afresh.itemTexts, "\(number)")
    }
  }

  @Test func onlyPrincipalsWhoseStoredDescriptionIsAnEntryAreHanded() throws {
    let url = try Store.temporaryStore()
    let store = try HistoryStore(url: url)
    try store.record(Store.history[1], fingerprint: "0")
    try store.record(Self.twice, fingerprint: "1")
    let recorded = try #require(store.lastRecording.withLock { $0?.principals })
    let handed = recorded.entries.map { recorded.principals[$0] }
    // `worker`'s stored description is the inventory's of the day before, `bob` and `stray` are
    // not listed: only `api`, through its second entry.
    #expect(handed.map(\.arn) == [Store.api])
    #expect(handed.first?.policies.last?.document?.statements.first?.actions == ["kms:Decrypt"])
    let principals = try store.timeline().principals
    #expect(principals == (try HistoryStore(url: url).timeline().principals))
    #expect(principals.first { $0.arn == Store.worker }?.isInInventory == true)
  }

  @Test func aStoreInMemoryHandsItsPrincipalsToo() throws {
    let store = try HistoryStore()
    try store.record(Store.history[0], fingerprint: "0")
    #expect(store.lastRecording.withLock { $0?.principals.ids.count } == 3)
    let principals = try store.timeline().principals
    #expect(principals.map(\.arn) == [Store.api, Store.worker, Store.bob])
    #expect(principals == Store.history[0].principals)
  }

  @Test func whatARecordingKeptCanBeDroppedAndIsThenRead() throws {
    let url = try Store.temporaryStore()
    let store = try HistoryStore(url: url)
    try store.record(Store.history[0], fingerprint: "0")
    store.dropKeptRecording()
    #expect(store.lastRecording.withLock { $0 == nil })
    Store.expectSame(try store.timeline(), try HistoryStore(url: url).timeline(), "dropped")
  }

  @Test func aFailedRecordingHandsNothing() throws {
    let store = try HistoryStore(url: try Store.temporaryStore())
    try store.record(Store.history[1], fingerprint: "1")
    #expect(throws: HistoryError.self) { try store.record(Store.history[0], fingerprint: "0") }
    #expect(store.lastRecording.withLock { $0 == nil })
  }
}

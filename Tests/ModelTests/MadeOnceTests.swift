import Dispatch
import Model
import Synchronization
import Testing

@Suite struct MadeOnceTests {
  @Test func theValueIsMadeOnceForEveryThreadThatAsks() {
    let makes = Atomic<Int>(0)
    let value = MadeOnce {
      makes.add(1, ordering: .relaxed)
      return [1, 2, 3]
    }
    let seen = Mutex<[[Int]]>([])
    DispatchQueue.concurrentPerform(iterations: 16) { _ in
      let got = value.value
      seen.withLock { $0.append(got) }
    }
    #expect(makes.load(ordering: .relaxed) == 1)
    #expect(seen.withLock { $0 } == Array(repeating: [1, 2, 3], count: 16))
  }
}

import Dispatch

/// Work started on a global queue at once, whose result is waited for when needed: what one
/// stage can work out on the other core while this one goes on.
public final class BackgroundWork<Output: Sendable>: @unchecked Sendable {
  private let done = DispatchGroup()
  // Written once on the queue before `done` is left; read only after waiting for `done`.
  private var outcome: Result<Output, any Error>?

  /// Starts `work` on a global queue.
  public init(_ work: @escaping @Sendable () throws -> Output) {
    done.enter()
    DispatchQueue.global().async {
      self.outcome = Result { try work() }
      self.done.leave()
    }
  }

  /// What the work returned or threw, once it has finished.
  public func result() throws -> Output {
    done.wait()
    // Set before `done` was left, so always there once the wait is over.
    return try outcome!.get()
  }
}

/// Frees `value` on another thread: for large structures (a parsed snapshot holds millions of
/// arrays and strings) whose freeing would keep this thread busy while another core is idle.
/// Pass a value nothing else refers to (`consume` a local), or nothing is freed there.
public func freeInBackground<Value>(_ value: consuming Value) {
  let leftovers = Leftovers(value)
  DispatchQueue.global().async { leftovers.free() }
}

/// A value to be dropped on the thread that calls `free()`, wherever the box itself ends up.
private final class Leftovers<Value>: @unchecked Sendable {
  // Set once, then dropped by `free()` on one thread.
  private var value: Value?

  init(_ value: consuming Value) {
    self.value = value
  }

  func free() {
    value = nil
  }
}

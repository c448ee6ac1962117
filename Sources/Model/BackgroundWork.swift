import Dispatch
import Synchronization

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

/// A value made by the first thread that asks for it, while threads that ask meanwhile wait:
/// for what several workers need and the first to start can make while the others are busy.
public final class MadeOnce<Value: Sendable>: Sendable {
  // `make` is called once, with the lock held, so that threads asking meanwhile wait for it.
  private let made = Mutex<Value?>(nil)
  private let make: @Sendable () -> Value

  /// A value that `make` will make when first asked for.
  public init(_ make: @escaping @Sendable () -> Value) {
    self.make = make
  }

  /// The value, made now if no thread has made it yet.
  public var value: Value {
    made.withLock { made in
      if let made { return made }
      let value = make()
      made = value
      return value
    }
  }
}

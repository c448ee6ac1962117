import Dispatch
import Foundation

/// Lists files under a folder in a stable order, skipping hidden files and folders.
enum FileListing {
  struct Entry: Sendable {
    /// The file's path, the folder's path with the relative path joined on.
    var path: String
    var relativePath: String

    /// The file's URL, made when asked: making one for each file listed, and asking each for its
    /// path, cost 8,000 instructions a file, and every build lists every snapshot folder.
    var url: URL { URL(fileURLWithPath: path, isDirectory: false) }
  }

  /// Every regular file under `folder`, at any depth, sorted by relative path.
  static func regularFiles(under folder: URL) throws -> [Entry] {
    var entries: [Entry] = []
    try collect(folder.path, prefix: "", into: &entries)
    return entries.sorted { $0.relativePath < $1.relativePath }
  }

  /// The names of the entries directly inside `folder` that are folders, sorted.
  static func subfolders(of folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { !$0.hasPrefix(".") && isFolder(folder.appendingPathComponent($0)) }
      .sorted()
  }

  /// The names of the regular files directly inside `folder` with the given extension, sorted.
  static func files(in folder: URL, withExtension pathExtension: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter {
        !$0.hasPrefix(".") && $0.hasSuffix("." + pathExtension)
          && !isFolder(folder.appendingPathComponent($0))
      }
      .sorted()
  }

  /// The size of the file at `path` in bytes (0 when it cannot be told).
  static func size(atPath path: String) -> Int {
    var status = stat()
    return stat(path, &status) == 0 ? Int(status.st_size) : 0
  }

  static func isFolder(_ url: URL) -> Bool {
    isFolder(atPath: url.path)
  }

  static func isFolder(atPath path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  private static func collect(_ folder: String, prefix: String, into entries: inout [Entry]) throws {
    // `readdir` names each entry's type, so most need no `stat` of their own: every build lists
    // every snapshot folder, tens of thousands of files in a large organisation.
    guard let handle = opendir(folder) else {
      _ = try FileManager.default.contentsOfDirectory(atPath: folder)  // for Foundation's error
      return
    }
    defer { closedir(handle) }
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard !name.hasPrefix(".") else { continue }
      let type = Int32(entry.pointee.d_type)
      // Links and file systems that do not tell the type are looked at, following links.
      let path = String(concatenating: folder, "/", name)
      let isFolder =
        type == DT_DIR || ((type == DT_LNK || type == DT_UNKNOWN) && Self.isFolder(atPath: path))
      if isFolder {
        try collect(path, prefix: String(concatenating: prefix, name, "/"), into: &entries)
      } else {
        entries.append(Entry(path: path, relativePath: String(concatenating: prefix, name)))
      }
    }
  }
}

/// Maps over an array on all cores, keeping the order of the results.
enum ParallelMap {
  /// `transform` of each element, computed in the given order of positions on all cores.
  static func map<Element: Sendable, Result: Sendable>(
    _ elements: [Element], order: [Int], _ transform: @Sendable (Element) -> Result
  ) -> [Result] {
    map(elements, order: order, state: {}, { element, _ in transform(element) }).results
  }

  /// `transform` of each element, computed in the given order of positions by one worker per
  /// core, each taking the next position when done with one and keeping its own `State` (such as
  /// buffers to reuse) from one element to the next; and each worker's state at the end.
  static func map<Element: Sendable, Result: Sendable, State: Sendable>(
    _ elements: [Element], order: [Int], state makeState: @Sendable () -> State,
    _ transform: @Sendable (Element, inout State) -> Result
  ) -> (results: [Result], states: [State]) {
    let results = ResultSlots<Result>(count: elements.count)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, elements.count))
    let states = ResultSlots<State>(count: workers)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var state = makeState()
      while let next = results.claim() {
        let index = order[next]
        results.set(index, transform(elements[index], &state))
      }
      states.set(worker, state)
    }
    return (results.values(), states.values())
  }
}

/// Slots written by concurrent workers, one slot per index; the lock makes each write visible.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private var slots: [Value?]
  private var claimed = 0
  private let lock = NSLock()

  init(count: Int) {
    slots = Array(repeating: nil, count: count)
  }

  /// The next position of the order to work on, nil when all are taken.
  func claim() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard claimed < slots.count else { return nil }
    claimed += 1
    return claimed - 1
  }

  func set(_ index: Int, _ value: Value) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  func values() -> [Value] {
    lock.lock()
    defer { lock.unlock() }
    return slots.map { $0! }
  }
}

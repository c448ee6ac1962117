import Dispatch
import Foundation

/// Lists files under a folder in a stable order, skipping hidden files and folders.
enum FileListing {
  struct Entry: Sendable {
    var url: URL
    var relativePath: String
  }

  /// Every regular file under `folder`, at any depth, sorted by relative path.
  static func regularFiles(under folder: URL) throws -> [Entry] {
    var entries: [Entry] = []
    try collect(folder, prefix: "", into: &entries)
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

  static func isFolder(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }

  private static func collect(_ folder: URL, prefix: String, into entries: inout [Entry]) throws {
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
      let url = folder.appendingPathComponent(name)
      if isFolder(url) {
        try collect(url, prefix: prefix + name + "/", into: &entries)
      } else {
        entries.append(Entry(url: url, relativePath: prefix + name))
      }
    }
  }
}

/// Maps over an array on all cores, keeping the order of the results.
enum ParallelMap {
  static func map<Element: Sendable, Result: Sendable>(
    _ elements: [Element], _ transform: @Sendable (Element) -> Result
  ) -> [Result] {
    let results = ResultSlots<Result>(count: elements.count)
    DispatchQueue.concurrentPerform(iterations: elements.count) { index in
      results.set(index, transform(elements[index]))
    }
    return results.values()
  }
}

/// Slots written by concurrent workers, one slot per index; the lock makes each write visible.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
  private var slots: [Value?]
  private let lock = NSLock()

  init(count: Int) {
    slots = Array(repeating: nil, count: count)
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

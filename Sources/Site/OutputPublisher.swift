import Foundation

/// Writes the generated files into a staging folder beside the output folder and swaps it in only
/// when every file is written, so a failed build leaves the previous site as it was.
public struct OutputPublisher: Sendable {
  /// The output folder, e.g. `SITE/output`.
  public let output: URL

  /// A publisher for the given output folder.
  public init(output: URL) {
    self.output = output
  }

  /// Writes `files` and replaces the output folder with them.
  public func publish(_ files: [OutputFile]) throws {
    let fileManager = FileManager.default
    let parent = output.deletingLastPathComponent()
    let name = output.lastPathComponent
    let staging = parent.appendingPathComponent(".\(name).staging")
    let previous = parent.appendingPathComponent(".\(name).previous")
    do {
      try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
      // Leftovers of a build that was killed are never published; start clean.
      for leftover in [staging, previous] where fileManager.fileExists(atPath: leftover.path) {
        try fileManager.removeItem(at: leftover)
      }
      try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
      try write(files, into: staging)
    } catch let error as SiteError {
      try? fileManager.removeItem(at: staging)
      throw error
    } catch {
      try? fileManager.removeItem(at: staging)
      throw SiteError.writeFailed(path: staging.path, reason: error.localizedDescription)
    }
    do {
      if fileManager.fileExists(atPath: output.path) {
        try fileManager.moveItem(at: output, to: previous)
      }
      do {
        try fileManager.moveItem(at: staging, to: output)
      } catch {
        // Put the previous site back so the web server keeps serving it.
        try? fileManager.moveItem(at: previous, to: output)
        throw error
      }
      try? fileManager.removeItem(at: previous)
    } catch {
      throw SiteError.writeFailed(path: output.path, reason: error.localizedDescription)
    }
  }

  private func write(_ files: [OutputFile], into folder: URL) throws {
    var createdFolders = Set<String>()
    for file in files {
      let components = file.path.split(separator: "/", omittingEmptySubsequences: false)
      // Paths come from slugs, but a wrong one must never escape the output folder.
      guard !file.path.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
      else {
        throw SiteError.writeFailed(path: file.path, reason: "not a safe relative path")
      }
      let url = folder.appendingPathComponent(file.path)
      let directory = url.deletingLastPathComponent().path
      if !createdFolders.contains(directory) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        createdFolders.insert(directory)
      }
      guard FileManager.default.createFile(atPath: url.path, contents: Data(file.contents)) else {
        throw SiteError.writeFailed(
          path: url.path, reason: "the file system refused it (disk full or no permission?)")
      }
    }
  }
}

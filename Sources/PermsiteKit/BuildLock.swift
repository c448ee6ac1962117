import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Another build of the same site holds the lock.
public struct LockHeld: Error, CustomStringConvertible {
  /// The lock file.
  public var path: String
  /// What the holder wrote into it: its process id and start time.
  public var holder: String

  /// A message naming the holder and what to do.
  public var description: String {
    "another build of this site is running (\(holder.isEmpty ? "holder unknown" : holder); lock \(path)). "
      + "This build changed nothing; run it again when that one has finished"
  }
}

/// One build at a time per site folder: an exclusive `flock` on `SITE/.permsite.lock`, which the
/// kernel releases when the process ends, however it ends, so a killed build never leaves a stale
/// lock behind. The file holds the holder's process id and start time for the message.
final class BuildLock {
  private let descriptor: Int32

  private init(descriptor: Int32) {
    self.descriptor = descriptor
  }

  /// Takes the lock, or throws `LockHeld` at once when another process has it.
  static func acquire(in folder: URL, now: String) throws -> BuildLock {
    let path = folder.appendingPathComponent(".permsite.lock").path
    let descriptor = open(path, O_RDWR | O_CREAT, 0o644)
    guard descriptor >= 0 else {
      throw BuildError(
        step: "lock", message: "\(path): cannot be opened: \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      var buffer = [UInt8](repeating: 0, count: 200)
      let count = read(descriptor, &buffer, buffer.count)
      close(descriptor)
      // The first line: the holder writes its line over the last holder's and then cuts the rest.
      let holder =
        buffer[0..<max(count, 0)].split(separator: UInt8(ascii: "\n")).first
        .map { String(decoding: $0, as: UTF8.self) } ?? ""
      throw LockHeld(path: path, holder: holder.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    // Written first and cut after, so that a build reading it meanwhile never finds it empty.
    let text = "pid \(getpid()), started \(now)\n"
    let written = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    ftruncate(descriptor, off_t(max(written, 0)))
    return BuildLock(descriptor: descriptor)
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}

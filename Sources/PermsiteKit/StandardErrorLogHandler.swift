import Foundation
import Logging

/// Writes log lines to standard error as `permsite: level: message`, the form cron mails and CI
/// logs read well: no timestamps (cron adds its own), no metadata noise.
struct StandardErrorLogHandler: LogHandler {
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let line = "permsite: \(event.level): \(event.message)\n"
    FileHandle.standardError.write(Data(line.utf8))
  }
}

/// Decides whether a link or image destination could run code or reach local files.
///
/// It mirrors the rule of libcmark's safe mode — `javascript:`, `vbscript:`, `file:` and `data:`
/// are dangerous, except `data:image/png`, `gif`, `jpeg` and `webp` — but applies it ourselves so
/// that it also holds when raw HTML is allowed (libcmark drops the check with `CMARK_OPT_UNSAFE`).
/// It also compares the way browsers read a URL: leading spaces and control characters are
/// ignored, and tabs and line breaks anywhere are removed, before the case-insensitive comparison.
enum URLSafety {
  private static let dangerous: [[UInt8]] = ["javascript:", "vbscript:", "file:", "data:"].map {
    Array($0.utf8)
  }
  private static let allowedData: [[UInt8]] = [
    "data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp",
  ].map { Array($0.utf8) }

  /// The longest prefix either list compares.
  private static let longestPrefix = 16

  static func isDangerous(_ url: UnsafePointer<CChar>) -> Bool {
    var prefix: [UInt8] = []
    prefix.reserveCapacity(longestPrefix)
    url.withMemoryRebound(to: UInt8.self, capacity: 1) { pointer in
      var index = 0
      while pointer[index] != 0 && pointer[index] <= 0x20 {
        index += 1
      }
      while pointer[index] != 0 && prefix.count < longestPrefix {
        let byte = pointer[index]
        index += 1
        if byte == 0x09 || byte == 0x0A || byte == 0x0D {
          continue
        }
        prefix.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
      }
    }
    if allowedData.contains(where: { prefix.starts(with: $0) }) {
      return false
    }
    return dangerous.contains(where: { prefix.starts(with: $0) })
  }
}

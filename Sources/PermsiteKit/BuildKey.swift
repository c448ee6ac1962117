import Foundation
import History
import Model

/// What a site was built from, as one hash: the program, the configuration, procedures, reviews
/// and templates, the recorded snapshots, the chosen snapshot and the day of the build. When the
/// key of a build equals the key of the published site, the site would come out the same (but for
/// the build time in its footers), so a rebuild with nothing new can keep it.
struct BuildKey: Equatable {
  /// The key as 16 hexadecimal digits.
  let text: String

  /// Files of the site folder that shape the site besides the snapshot folders (whose
  /// fingerprints the history store keeps).
  static let inputs = [
    "site.yml", "site.yaml", "teams.yml", "teams.yaml", "content/procedures", "content/reviews",
    "templates",
  ]

  /// The key of a build of `site` from the store's `recorded` snapshots.
  static func of(
    site: URL, recorded: [RecordedSnapshot], date: Day?, today: Day, program: URL? = Bundle.main.executableURL
  ) -> BuildKey {
    var hash = FNV1a()
    // Bumped when the shape of the output changes without the program's file changing.
    hash.add("permsite site v1\0")
    if let program, let attributes = try? FileManager.default.attributesOfItem(atPath: program.path) {
      hash.add(
        "\(attributes[.size] ?? 0)\0\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)\0"
      )
    }
    for input in inputs { add(site.appendingPathComponent(input), named: input, to: &hash) }
    for snapshot in recorded { hash.add(snapshot.day.iso + " " + snapshot.fingerprint + "\0") }
    hash.add("date \(date?.iso ?? "newest")\0today \(today.iso)\0")
    return BuildKey(text: hash.hex)
  }

  /// Adds a file's name and bytes, or every file below a folder in name order.
  private static func add(_ url: URL, named name: String, to hash: inout FNV1a) {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return }
    if isFolder.boolValue {
      let children = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
      for child in children.sorted() where !child.hasPrefix(".") {
        add(url.appendingPathComponent(child), named: name + "/" + child, to: &hash)
      }
    } else if let data = FileManager.default.contents(atPath: url.path) {
      hash.add(name + "\0\(data.count)\0")
      data.withUnsafeBytes { hash.add(bytes: $0) }
    }
  }
}

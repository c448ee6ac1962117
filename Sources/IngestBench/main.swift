// Times `SnapshotReader.read` on one snapshot folder and prints seconds, MB/s and peak memory.
//
//   swift build -c release --product IngestBench
//   .build/release/IngestBench FOLDER [--repeat N] [--dump FILE]
//
// `--dump` writes every field of the snapshot in a fixed text form, so two builds of the reader
// can be compared on the same folder with `cmp`.
import Foundation
import Ingest
import Model

struct Options {
  var folder: URL
  var repeats = 1
  var dump: String?

  init(_ arguments: [String]) throws {
    var rest = arguments.dropFirst()
    var folder: String?
    while let argument = rest.popFirst() {
      switch argument {
      case "--repeat": repeats = Int(rest.popFirst() ?? "") ?? 1
      case "--dump": dump = rest.popFirst()
      default: folder = argument
      }
    }
    guard let folder else { throw BenchError.usage }
    self.folder = URL(fileURLWithPath: folder)
  }
}

enum BenchError: Error, CustomStringConvertible {
  case usage
  var description: String { "usage: IngestBench FOLDER [--repeat N] [--dump FILE]" }
}

func folderBytes(_ folder: URL) -> Int {
  let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey])
  var total = 0
  while let file = files?.nextObject() as? URL {
    total += (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
  }
  return total
}

func peakResidentMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

func snapshotDay(_ folder: URL) -> Day {
  Day(iso: folder.lastPathComponent) ?? Day(iso: "2026-11-22")!
}

let options = try Options(CommandLine.arguments)
let bytes = folderBytes(options.folder)
let folder = SnapshotFolder(
  day: snapshotDay(options.folder), url: options.folder, relativePath: options.folder.lastPathComponent)
var result: SnapshotReader.Result?
for _ in 0..<options.repeats {
  // The previous result would otherwise count in the next run's peak memory.
  result = nil
  let start = DispatchTime.now()
  result = try SnapshotReader(thresholdDays: 90).read(folder)
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  print(
    String(
      format: "%.3f s  %.1f MB/s  %d MB  peak RSS %.0f MB  %d principals  %d observations", seconds,
      Double(bytes) / 1e6 / seconds, bytes / 1_000_000, peakResidentMegabytes(),
      result!.snapshot.principals.count, result!.snapshot.observations.count))
}
if let path = options.dump, let result {
  try SnapshotDump.write(result, to: path)
}

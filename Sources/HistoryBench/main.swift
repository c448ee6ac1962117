import Foundation
import History
import Model

// Measures the history store at the size issue "Scale" sets: records all but the newest monthly
// snapshot of a synthetic organisation into a store file (kept, so later runs start from it), then
// times recording the newest on top, re-recording it in place, and loading the timeline.
//
// Usage: HistoryBench [--principals N] [--snapshots S] [--dir DIR] [--repeat K] [--load-only | --record-only]
//
// --load-only times loading the timeline of the store a previous run left (a process of its own,
// so its peak memory is the load's); --record-only stops after recording the newest snapshot once.

struct Options {
  var principals = 100_000
  var snapshots = 12
  var directory = "/tmp/history-bench"
  var repeats = 3
  var loadOnly = false
  var recordOnly = false

  init(_ arguments: [String]) {
    var index = 1
    while index < arguments.count {
      let value = index + 1 < arguments.count ? arguments[index + 1] : ""
      switch arguments[index] {
      case "--principals": principals = Int(value) ?? principals
      case "--snapshots": snapshots = Int(value) ?? snapshots
      case "--dir": directory = value
      case "--repeat": repeats = Int(value) ?? repeats
      case "--load-only":
        loadOnly = true
        index -= 1
      case "--record-only":
        recordOnly = true
        index -= 1
      default:
        FileHandle.standardError.write(Data("unknown option \(arguments[index])\n".utf8))
        exit(2)
      }
      index += 2
    }
  }
}

func seconds(since start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

func peakResidentMB() -> Double {
  var usage = rusage()
  #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
  #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1024 / 1024
  #endif
}

/// User and system CPU time of every thread so far, in seconds.
func cpuSeconds() -> Double {
  var usage = rusage()
  #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
  #else
    getrusage(RUSAGE_SELF, &usage)
  #endif
  let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
  return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func fileSize(_ path: String) -> Int {
  ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

func format(_ value: Double) -> String {
  String(format: "%.3f", value)
}

let options = Options(CommandLine.arguments)
let files = FileManager.default
try files.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
let primed = "\(options.directory)/primed-\(options.principals)-\(options.snapshots - 1).sqlite"
let work = "\(options.directory)/work.sqlite"

func removeStore(_ path: String) {
  for suffix in ["", "-wal", "-shm", "-journal"] { try? files.removeItem(atPath: path + suffix) }
}

/// Copies a store and waits until the copy is on disk: a store that has sat there since the last
/// build has no pages waiting to be written, and the recording's own flushes should not write the
/// copy's.
func copyStore(_ source: String, to target: String) throws {
  removeStore(target)
  try files.copyItem(atPath: source, toPath: target)
  let file = open(target, O_RDONLY)
  fsync(file)
  close(file)
}

if options.loadOnly {
  // Opening converts a store an earlier version made, which is timed apart.
  let opening = DispatchTime.now()
  let store = try HistoryStore(url: URL(fileURLWithPath: work))
  print("open: \(format(seconds(since: opening))) s")
  let start = DispatchTime.now()
  let cpu = cpuSeconds()
  let timeline = try store.timeline()
  print(
    "timeline: \(format(seconds(since: start))) s (CPU \(format(cpuSeconds() - cpu)) s), \(timeline.items.count) items, "
      + "\(timeline.intervals.count) runs, peak RSS \(Int(peakResidentMB())) MB")
  exit(0)
}

/// Records all but the newest snapshot into the primed store; the store is closed on return, so
/// its write-ahead log is folded into the file before the file is moved.
func prime(_ organisation: inout Organisation) throws {
  removeStore(primed + ".partial")
  let store = try HistoryStore(url: URL(fileURLWithPath: primed + ".partial"))
  for number in 1..<options.snapshots {
    if number > 1 { organisation.advance() }
    let snapshot = organisation.snapshot()
    let start = DispatchTime.now()
    let outcome = try store.record(snapshot, fingerprint: "s\(number)")
    // As a build rebuilding history does: each recording folded in while the next one is made.
    store.foldLogInBackground()
    print(
      "prime \(number) \(snapshot.day.iso): \(snapshot.observations.count) observations, "
        + "\(outcome.runsStarted) started, \(outcome.runsEnded) ended in \(format(seconds(since: start))) s")
  }
}

var organisation = Organisation(principals: options.principals)
if !files.fileExists(atPath: primed) {
  try prime(&organisation)
  try files.moveItem(atPath: primed + ".partial", toPath: primed)
} else {
  for _ in 1..<(options.snapshots - 1) { organisation.advance() }
}
organisation.advance()
let newest = organisation.snapshot()
let beforeRecord = peakResidentMB()
print(
  "newest \(newest.day.iso): \(newest.observations.count) observations, \(newest.principals.count) principals; "
    + "peak RSS before recording \(Int(beforeRecord)) MB")

/// Records the newest snapshot on a fresh copy of the primed store, then again in place.
func recordNewest() throws -> (record: Double, replace: Double, outcome: HistoryStore.RecordingOutcome) {
  try copyStore(primed, to: work)
  let store = try HistoryStore(url: URL(fileURLWithPath: work))
  var start = DispatchTime.now()
  let outcome = try store.record(newest, fingerprint: "newest")
  let record = seconds(since: start)
  start = DispatchTime.now()
  try store.record(newest, fingerprint: "again")
  return (record, seconds(since: start), outcome)
}

/// Records the newest snapshot once, then closes the store, which folds the write-ahead log into
/// the file (a build starts that fold on another thread while it writes the site).
func recordOnce() throws {
  try copyStore(primed, to: work)
  var store: HistoryStore? = try HistoryStore(url: URL(fileURLWithPath: work))
  let start = DispatchTime.now()
  let cpu = cpuSeconds()
  let outcome = try store?.record(newest, fingerprint: "newest")
  let recorded = seconds(since: start)
  let recordCPU = cpuSeconds() - cpu
  store = nil
  print(
    "record newest: \(format(recorded)) s (CPU \(format(recordCPU)) s), \(outcome?.runsStarted ?? 0) started, "
      + "\(outcome?.runsEnded ?? 0) ended; closed, log folded in, after \(format(seconds(since: start))) s; "
      + "peak RSS \(Int(peakResidentMB())) MB (\(Int(beforeRecord)) MB before)")
}

if options.recordOnly {
  try recordOnce()
  exit(0)
}

var recordTimes: [Double] = []
var replaceTimes: [Double] = []
var outcome: HistoryStore.RecordingOutcome?
for _ in 0..<options.repeats {
  let result = try recordNewest()
  recordTimes.append(result.record)
  replaceTimes.append(result.replace)
  outcome = result.outcome
}
let afterRecord = peakResidentMB()
let changes = (outcome?.runsStarted ?? 0) + (outcome?.runsEnded ?? 0)
let growth = fileSize(work) - fileSize(primed)
print(
  "record newest: median \(format(median(recordTimes))) s of \(recordTimes.map(format)); "
    + "\(outcome?.runsStarted ?? 0) started, \(outcome?.runsEnded ?? 0) ended")
print("re-record newest in place: median \(format(median(replaceTimes))) s of \(replaceTimes.map(format))")
print("peak RSS after recording \(Int(afterRecord)) MB (+\(Int(afterRecord - beforeRecord)) MB)")

var loadTimes: [Double] = []
var timeline = Timeline.empty
for _ in 0..<options.repeats {
  // The previous load goes first, as in a build that loads the timeline once.
  timeline = .empty
  let start = DispatchTime.now()
  timeline = try HistoryStore(url: URL(fileURLWithPath: work)).timeline()
  loadTimes.append(seconds(since: start))
}
print(
  "timeline: median \(format(median(loadTimes))) s of \(loadTimes.map(format)); \(timeline.items.count) items, "
    + "\(timeline.intervals.count) runs, \(timeline.principals.count) principals")
let statistics = try HistoryStore(url: URL(fileURLWithPath: work)).statistics()
let rows = statistics.keys.sorted().map { "\($0) \(statistics[$0]!)" }.joined(separator: ", ")
print("rows: \(rows)")
print(
  "store: primed \(fileSize(primed) / 1_000_000) MB, after newest \(fileSize(work) / 1_000_000) MB; "
    + "growth \(growth / 1_000_000) MB for \(changes) changes (\(changes > 0 ? growth / changes : 0) B each); "
    + "year of nightly snapshots projected \(format(Double(fileSize(primed) + growth * 365 / 30) / 1e9)) GB")
print("peak RSS \(Int(peakResidentMB())) MB")

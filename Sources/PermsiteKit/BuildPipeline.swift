import Analysis
import Foundation
import History
import Ingest
import Logging
import Model
import Site
import Synchronization

/// A failure in one named step of the build, carrying the step so messages say where it happened.
public struct BuildError: Error, CustomStringConvertible {
  /// The step that failed, e.g. "record snapshots".
  public var step: String
  /// What went wrong, already worded for the user.
  public var message: String

  /// `step: message`.
  public var description: String { "\(step): \(message)" }
}

/// Where a build reads from and writes to, and what it treats as now.
public struct BuildOptions: Sendable {
  /// The site folder.
  public var site: URL
  /// The output folder (default `SITE/output`).
  public var output: URL
  /// The snapshot treated as today (default: the newest).
  public var date: Day?
  /// The time shown as the build time.
  public var now: Timestamp
  /// Whether a build that records nothing new may keep the published site when nothing it is
  /// built from changed (see `BuildKey`); the build then analyses and renders nothing.
  public var reusesUnchangedSite = false
  /// Whether the report, and what publishing read about the output trees, stay in memory until
  /// the process ends instead of being freed when the build returns: for a command that exits
  /// right after building, since freeing a large organisation's report object by object took half
  /// a second of one core (the trees' digest lists another 50 ms) and the system takes the memory
  /// back at once at exit. Off for callers that build repeatedly. (The history is freed
  /// as usual: keeping it too raised the peak memory by more than it saved.)
  public var keepsDataUntilExit = false

  /// Options with every field given; `output` defaults to `site/output`.
  public init(site: URL, output: URL? = nil, date: Day? = nil, now: Timestamp) {
    self.site = site
    self.output = output ?? site.appendingPathComponent("output")
    self.date = date
    self.now = now
  }
}

/// What a finished build did, for logs and tests.
public struct BuildSummary: Sendable {
  /// Snapshot days recorded (or re-recorded) by this build.
  public var recorded: [Day]
  /// Files written.
  public var files: Int
  /// The report the site was built from; nil when the published site was up to date and kept.
  public var report: OrganisationReport?
}

/// `permsite build` as a list of named steps in execution order: read the site folder, load the
/// theme, record new snapshots, analyse, render, publish. Each step logs one line with its counts
/// and duration; a failing step stops the build before anything is published.
public struct BuildPipeline {
  let options: BuildOptions
  let logger: Logger

  /// A pipeline for the given options, logging to `logger`.
  public init(options: BuildOptions, logger: Logger) {
    self.options = options
    self.logger = logger
  }

  /// Runs every step; throws `BuildError` naming the step that failed, or `LockHeld` when
  /// another build of the same site is running.
  public func run() throws -> BuildSummary {
    let lock = try BuildLock.acquire(in: options.site, now: options.now.iso)
    defer { withExtendedLifetime(lock) {} }
    // What is published now is read on another core while this one starts on the snapshots.
    let publisher = OutputPublisher(output: options.output)
    let preparation = publisher.prepare()
    let folder = try step("read site folder") {
      let folder = try SiteFolderReader(root: options.site).read()
      for warning in folder.warnings { logger.warning("\(warning)") }
      return (
        folder,
        "\(folder.teams.count) teams, \(folder.snapshots.count) snapshot folders, \(folder.procedures.count) procedures"
      )
    }
    let theme = try step("load templates") {
      (try Theme.load(from: options.site.appendingPathComponent("templates")), "templates checked")
    }
    let store = try step("open history") {
      (try HistoryStore(url: folder.historyURL), folder.historyURL.path)
    }
    let recorded = try step("record snapshots") {
      let recorder = SnapshotRecorder(
        store: store, reader: SnapshotReader(thresholdDays: folder.config.unusedThresholdDays), logger: logger
      )
      let recorded = try recorder.recordNew(folder.snapshots)
      return (
        recorded, recorded.isEmpty ? "nothing new" : "recorded " + recorded.map(\.iso).joined(separator: ", ")
      )
    }
    let key = BuildKey.of(
      site: options.site, recorded: try store.recordedSnapshots(), date: options.date, today: options.now.day)
    if options.reusesUnchangedSite, recorded.isEmpty,
      publisher.publishedKey() == key.text
    {
      logger.info("up to date: nothing the site is built from changed since it was published")
      return BuildSummary(recorded: [], files: 0, report: nil)
    }
    let timeline = try step("load history") {
      let timeline = try store.timeline()
      return (
        timeline,
        "\(timeline.snapshots.count) snapshots, \(timeline.principals.count) principals, \(timeline.items.count) items"
      )
    }
    let report = try step("analyse") {
      let report = try Analyzer.report(
        from: timeline,
        settings: AnalysisSettings(
          currentDay: options.date, fiscalYearStartMonth: folder.config.fiscalYearStartMonth,
          teams: folder.teams,
          ownerTagKeys: folder.config.ownerTagKeys,
          procedures: folder.procedures.filter(\.isQuarterlyChecklist).map(\.checklist),
          reviews: folder.reviews,
          problems: folder.reviewProblems.map {
            DataProblem(
              file: $0.file, line: $0.line, message: ($0.field.map { "field \($0): " } ?? "") + $0.message)
          }, today: options.now.day, removalDeadlineDays: folder.config.removalDeadlineDays,
          staleAfterDays: folder.config.staleAfterDays, changesSinceDays: folder.config.changesSinceDays))
      for problem in report.dataProblems {
        logger.warning("\(problem.file)\(problem.line.map { ":\($0)" } ?? ""): \(problem.message)")
      }
      if let snapshot = report.snapshot, let warning = report.freshness.afterTodayWarning(snapshot: snapshot)
      {
        logger.warning("\(warning)")
      }
      return (
        report,
        "snapshot \(report.snapshot?.iso ?? "none"): \(report.totals.unusedPermissions) open unused permissions"
      )
    }
    // Freed on another thread while the site is written: freed here, the timeline's millions of
    // items and strings kept one core busy for a quarter of a second with the other idle.
    freeInBackground(consume timeline)
    if options.keepsDataUntilExit {
      KeptUntilExit.keep(report)
      KeptUntilExit.keep(preparation)
    }
    // The recording goes into the store file on another thread while the site is written: left to
    // closing the store, it kept a core busy for a fifth of a second after the last page; started
    // before loading the history, it slowed the loading and once raised peak memory by 0.3 GB;
    // during this step it changed neither wall time nor peak memory.
    store.foldLogInBackground()
    let outcome = try step("write site") {
      let input = SiteInput(
        config: folder.config, report: report,
        procedures: folder.procedures.map {
          ProcedureSource(
            name: $0.name, title: $0.title, document: $0.document,
            isQuarterlyChecklist: $0.isQuarterlyChecklist)
        }, generatedAt: options.now)
      let generator = SiteGenerator(theme: theme)
      let cpuBefore = processCPUSeconds()
      let timed = TimedSink()
      let outcome = try publisher.publish(key: key.text, preparedAs: preparation) { sink in
        timed.inner = sink
        try generator.generate(for: input, into: timed)
      }
      // Both cores render and write at once: the split is in CPU time, which adds up, rather than
      // in wall time, which overlaps.
      let writing = timed.totals
      let rendering = max(0, processCPUSeconds() - cpuBefore - writing.cpu)
      return (
        outcome,
        "\(options.output.path): \(outcome.written + outcome.unchanged) files, \(outcome.written) written, \(outcome.unchanged) unchanged, \(outcome.removed) removed; CPU \(seconds(rendering)) s rendering, \(seconds(writing.cpu)) s writing files (\(seconds(writing.wall)) s in writes)"
      )
    }
    return BuildSummary(recorded: recorded, files: outcome.written + outcome.unchanged, report: report)
  }

  /// Runs one step, logging its outcome and duration, and wraps its errors with the step's name.
  private func step<T>(_ name: String, _ body: () throws -> (T, String)) throws -> T {
    let start = DispatchTime.now()
    do {
      let (value, note) = try body()
      logger.info(
        "\(name): \(note) (\(milliseconds(since: start)) ms, peak memory \(peakMemoryMegabytes()) MB)")
      return value
    } catch let error as BuildError {
      throw error
    } catch {
      throw BuildError(step: name, message: "\(error)")
    }
  }
}

/// Records every snapshot folder the history store has not seen, or that changed since.
struct SnapshotRecorder {
  let store: HistoryStore
  let reader: SnapshotReader
  let logger: Logger

  func recordNew(_ folders: [SnapshotFolder]) throws -> [Day] {
    var stored: [Day: String] = [:]
    for snapshot in try store.recordedSnapshots() { stored[snapshot.day] = snapshot.fingerprint }
    var recorded: [Day] = []
    for (index, folder) in folders.enumerated() {
      let quick = try SnapshotFingerprint.quick(of: folder.url)
      if let previous = stored[folder.day].flatMap(SnapshotFingerprint.init(stored:)) {
        if previous.quick == quick { continue }
        // Times changed (a copy, a checkout): only a change of content means a new export.
        let current = try SnapshotFingerprint.of(folder.url, like: previous)
        if current.content == previous.content {
          // One stored by an earlier version is replaced by the current form, so that the next
          // copy is compared a word at a time rather than a byte at a time.
          let upgraded = previous.isFromAnEarlierVersion ? try SnapshotFingerprint.of(folder.url) : current
          try store.updateFingerprint(of: folder.day, to: upgraded.description)
          continue
        }
        logger.notice("\(folder.relativePath) changed since it was recorded; recording it again")
      }
      // What the previous recording kept for loading the history is of no use once another
      // snapshot is recorded, and would be held while this one is read.
      store.dropKeptRecording()
      let readStart = DispatchTime.now()
      let result = try reader.read(folder)
      let readTime = milliseconds(since: readStart)
      for warning in result.warnings { logger.warning("\(warning)") }
      let recordStart = DispatchTime.now()
      let outcome = try store.record(result.snapshot, fingerprint: result.fingerprint.description)
      // The split between reading and recording is what the benchmark (scripts/bench) reports.
      logger.info(
        "recorded \(folder.day.iso): \(result.snapshot.observations.count) items, \(outcome.runsStarted) changes started, \(outcome.runsEnded) ended (read \(result.bytesRead) bytes in \(readTime) ms, recorded in \(milliseconds(since: recordStart)) ms)"
      )
      recorded.append(folder.day)
      // Rebuilding history records snapshot after snapshot: each is folded into the store file
      // while the next one is read, rather than all of them piling up in the log. The build folds
      // the last one itself (see `BuildPipeline.run()`).
      if index < folders.count - 1 { store.foldLogInBackground() }
    }
    return recorded
  }
}

/// Passes files on to the publisher's sink, adding up the time spent writing them: the CPU time
/// of the writing threads (hashing, copying into the kernel) and the wall time, which also counts
/// waiting for the disk.
///
/// The CPU time is measured for one file in `sampling` and scaled up: a thread's CPU clock is a
/// system call (the wall clock is not), and two of them for each of 90,000 files cost a tenth of a
/// second of the build. The totals are atomic counters: a lock taken for every file made the two
/// writing threads wait for each other.
private final class TimedSink: OutputSink, @unchecked Sendable {
  // Unchecked: `inner` is set once before the first file.
  var inner: (any OutputSink)?
  private let sampling = 8
  private let files = Atomic<Int>(0)
  private let sampledFiles = Atomic<Int>(0)
  private let sampledCPUNanoseconds = Atomic<Int>(0)
  private let wallNanoseconds = Atomic<Int>(0)

  func write(_ file: OutputFile) throws {
    try timed { try inner?.write(file) }
  }

  func write(path: String, contents: UnsafeRawBufferPointer) throws {
    try timed { try inner?.write(path: path, contents: contents) }
  }

  private func timed(_ write: () throws -> Void) throws {
    let isSampled = files.wrappingAdd(1, ordering: .relaxed).oldValue % sampling == 0
    let cpuStart = isSampled ? threadCPUNanoseconds() : 0
    let wallStart = DispatchTime.now().uptimeNanoseconds
    defer {
      wallNanoseconds.wrappingAdd(Int(DispatchTime.now().uptimeNanoseconds - wallStart), ordering: .relaxed)
      if isSampled {
        sampledFiles.wrappingAdd(1, ordering: .relaxed)
        sampledCPUNanoseconds.wrappingAdd(threadCPUNanoseconds() - cpuStart, ordering: .relaxed)
      }
    }
    try write()
  }

  /// Read once every file is written.
  var totals: (cpu: Double, wall: Double) {
    let sampled = sampledFiles.load(ordering: .relaxed)
    let cpu =
      sampled == 0
      ? 0
      : Double(sampledCPUNanoseconds.load(ordering: .relaxed)) / 1e9 * Double(files.load(ordering: .relaxed))
        / Double(sampled)
    return (cpu, Double(wallNanoseconds.load(ordering: .relaxed)) / 1e9)
  }
}

/// The CPU time (user and system) of the calling thread, in nanoseconds.
private func threadCPUNanoseconds() -> Int {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return time.tv_sec * 1_000_000_000 + time.tv_nsec
}

/// The CPU time (user and system) of the whole process so far, in seconds.
private func processCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Seconds with one decimal, for log lines.
private func seconds(_ value: Double) -> String {
  String(format: "%.1f", value)
}

/// Whole milliseconds elapsed since `start`, for log lines.
private func milliseconds(since start: DispatchTime) -> UInt64 {
  (DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}

/// The most memory the process has held so far, in megabytes: each step's log line carries it, so
/// a large organisation's build shows which step needs the most.
private func peakMemoryMegabytes() -> Int {
  var usage = rusage()
  #if canImport(Darwin)
    guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
  #else
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
  #endif
  // Linux reports kilobytes, macOS bytes.
  #if canImport(Darwin)
    return Int(usage.ru_maxrss) / 1_048_576
  #else
    return Int(usage.ru_maxrss) / 1024
  #endif
}

/// Values kept alive until the process exits (see `BuildOptions.keepsDataUntilExit`).
enum KeptUntilExit {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var values: [Any] = []

  /// Keeps `value` until the process exits.
  static func keep(_ value: Any) {
    lock.lock()
    values.append(value)
    lock.unlock()
  }
}

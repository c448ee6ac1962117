import ArgumentParser
import Foundation
import Ingest
import Logging
import Model
import Sample
import Site

/// The `permsite` command and its subcommands.
public struct PermsiteCommand: ParsableCommand {
  /// The command's help and subcommands.
  public static let configuration = CommandConfiguration(
    commandName: "permsite",
    abstract: "Turns IAM unused-access exports and review procedures into a static report site.",
    discussion: """
      A site folder holds site.yml, teams.yml, content/analysis/YYYY-MM-DD/ (the AWS CLI exports of one \
      night), content/procedures/*.md and optional templates/. `permsite build` records new snapshots in the \
      history store and writes the site to output/.

      Exit codes: 0 success, 1 a problem with the input or the build (the message names the file), \
      3 another build of the same site is running, 4 the site was built but a --fail-on limit was crossed, \
      64 wrong command-line usage.
      """,
    subcommands: [Build.self, Validate.self, Init.self, SampleCommand.self],
    defaultSubcommand: nil)

  /// Required by ArgumentParser.
  public init() {}
}

/// Options shared by commands that log.
struct LoggingOptions: ParsableArguments {
  @Flag(name: .long, help: "Print only warnings and errors (for cron).")
  var quiet = false

  func makeLogger() -> Logger {
    var logger = Logger(label: "permsite") { _ in StandardErrorLogHandler() }
    logger.logLevel = quiet ? .warning : .info
    return logger
  }
}

/// `permsite build`.
struct Build: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Record new snapshots and write the site.",
    discussion: """
      Reads the site folder, records every snapshot folder under content/analysis/ that the history store \
      has not seen (or that changed since), and writes the whole site into the output folder. The previous \
      output is replaced only when every file is written.
      """)

  @Option(name: .long, help: ArgumentHelp("The site folder.", valueName: "dir"))
  var site = "."

  @Option(
    name: .long, help: ArgumentHelp("Where to write the site (default: SITE/output).", valueName: "dir"))
  var output: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The snapshot to treat as today (default: the newest).", valueName: "yyyy-mm-dd"))
  var date: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "After building, exit 4 when a figure crosses a limit: overdue, open, outstanding, new, regressed, age (days) or problems, e.g. overdue>0 (repeatable).",
      valueName: "metric>n"))
  var failOn: [String] = []

  @OptionGroup var logging: LoggingOptions

  func validate() throws {
    if let date, Day(iso: date) == nil {
      throw ValidationError("--date must be a date written as YYYY-MM-DD, not \"\(date)\"")
    }
    for condition in failOn where Threshold(condition) == nil {
      throw ValidationError(
        "--fail-on takes METRIC>N or METRIC>=N with METRIC one of "
          + Threshold.Metric.allCases.map(\.rawValue).joined(separator: ", ") + ", not \"\(condition)\"")
    }
  }

  func run() throws {
    let logger = logging.makeLogger()
    var options = BuildOptions(
      site: URL(fileURLWithPath: site), output: output.map { URL(fileURLWithPath: $0) },
      date: date.flatMap { Day(iso: $0) }, now: Clock.now(environment: ProcessInfo.processInfo.environment))
    // Limits are checked against a fresh analysis, so only a build without them may keep the site.
    options.reusesUnchangedSite = failOn.isEmpty
    options.keepsDataUntilExit = true
    do {
      let summary = try BuildPipeline(options: options, logger: logger).run()
      guard let report = summary.report else { return }
      logger.info("built \(summary.files) files into \(options.output.path)")
      let crossed = failOn.compactMap(Threshold.init).filter { $0.isCrossed(by: report) }
      if !crossed.isEmpty {
        for threshold in crossed {
          logger.error(
            "--fail-on \(threshold): \(threshold.metric.rawValue) is \(threshold.value(in: report)); the site was built"
          )
        }
        throw ExitCode(4)
      }
    } catch let code as ExitCode {
      throw code
    } catch let error as LockHeld {
      reportFailure(error, logger: logger)
      throw ExitCode(3)
    } catch {
      reportFailure(error, logger: logger)
      throw ExitCode.failure
    }
  }
}

/// `permsite validate`.
struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a site folder and every snapshot folder without writing anything.",
    discussion: "Lists every problem found, not just the first. Exits 1 when there is any.")

  @Option(name: .long, help: ArgumentHelp("The site folder.", valueName: "dir"))
  var site = "."

  @OptionGroup var logging: LoggingOptions

  func run() throws {
    let logger = logging.makeLogger()
    let reader = SiteFolderReader(root: URL(fileURLWithPath: site))
    var problems: [String] = []
    func collect(_ body: () throws -> Void) {
      do {
        try body()
      } catch let errors as IngestErrors {
        problems += errors.errors.map(\.description)
      } catch {
        problems.append("\(error)")
      }
    }
    var thresholdDays = 90
    collect {
      let folder = try reader.read()
      thresholdDays = folder.config.unusedThresholdDays
      problems += folder.reviewProblems.map(\.description)
      for warning in folder.warnings { logger.warning("\(warning)") }
    }
    collect { _ = try Theme.load(from: reader.root.appendingPathComponent("templates")) }
    // Snapshot folders are checked even when the configuration has problems, so one run lists all.
    let snapshots = (try? reader.snapshotFolderList()) ?? []
    for snapshot in snapshots {
      collect {
        let result = try SnapshotReader(thresholdDays: thresholdDays).read(snapshot)
        for warning in result.warnings { logger.warning("\(warning)") }
      }
    }
    logger.info("checked the configuration, templates and \(snapshots.count) snapshot folders")
    for problem in problems { logger.error("\(problem)") }
    if !problems.isEmpty {
      logger.error("\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
      throw ExitCode.failure
    }
  }
}

/// `permsite init`.
struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create a minimal working site folder.",
    discussion: """
      Writes a commented site.yml and teams.yml, the default templates, a starter review procedure and an \
      empty content/analysis/ folder, from the binary alone. Refuses to overwrite existing files.
      """)

  @Argument(help: ArgumentHelp("The folder to create.", valueName: "dir"))
  var folder: String

  @OptionGroup var logging: LoggingOptions

  func run() throws {
    let logger = logging.makeLogger()
    do {
      let written = try SiteInitializer(root: URL(fileURLWithPath: folder)).write()
      logger.info(
        "wrote \(written.count) files into \(folder); next: put exports in content/analysis/YYYY-MM-DD/ and run `permsite build --site \(folder)`"
      )
    } catch {
      reportFailure(error, logger: logger)
      throw ExitCode.failure
    }
  }
}

/// `permsite sample`.
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample",
    abstract: "Write a synthetic site folder for a fictional organisation.",
    discussion: """
      The exports are in the exact shapes the AWS CLI prints. The same options and seed always give the \
      same files. The repository's demo content is this command's output at the default size.
      """)

  @Option(name: .long, help: ArgumentHelp("The folder to write.", valueName: "dir"))
  var out: String

  @Option(name: .long, help: "Seed of the generator.")
  var seed: UInt64 = SampleOptions().seed

  @Option(name: .long, help: "Number of teams.")
  var teams: Int = SampleOptions().teams

  @Option(name: .long, help: "Number of roles and users, roughly.")
  var principals: Int = SampleOptions().principals

  @Option(name: .long, help: "Number of monthly snapshots.")
  var snapshots: Int = SampleOptions().snapshots

  @Flag(name: .long, help: "Replace the content of a folder that already holds a site.")
  var replace = false

  @OptionGroup var logging: LoggingOptions

  func run() throws {
    let logger = logging.makeLogger()
    var options = SampleOptions()
    options.seed = seed
    options.teams = teams
    options.principals = principals
    options.snapshots = snapshots
    do {
      let summary = try SampleSite.write(to: URL(fileURLWithPath: out), options: options, replacing: replace)
      logger.info("\(summary)")
    } catch {
      reportFailure(error, logger: logger)
      throw ExitCode.failure
    }
  }
}

/// Logs an error as one or more lines a user can act on: no stack traces.
func reportFailure(_ error: any Error, logger: Logger) {
  let text: String =
    switch error {
    case let error as IngestErrors: error.errors.map(\.description).joined(separator: "\n")
    default: "\(error)"
    }
  for line in text.split(separator: "\n") { logger.error("\(line)") }
}

/// The build time: `SOURCE_DATE_EPOCH` when set (reproducible builds), the system clock otherwise.
enum Clock {
  static func now(environment: [String: String]) -> Timestamp {
    if let epoch = environment["SOURCE_DATE_EPOCH"], let seconds = Int64(epoch) {
      return Timestamp(secondsSinceEpoch: seconds)
    }
    return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
  }
}

import Analysis

/// A condition for `--fail-on`, such as `overdue>0`: after a successful build, the job exits
/// non-zero when a figure of the organisation crosses it, so cron can alert.
public struct Threshold: Hashable, Sendable, CustomStringConvertible {
  /// The figures that can be watched.
  public enum Metric: String, CaseIterable, Sendable {
    /// Outstanding unused permissions past the removal deadline.
    case overdue
    /// Open unused permissions.
    case open
    /// Open unused permissions not covered by a review exception.
    case outstanding
    /// Unused permissions new since the last review.
    case new
    /// Unused permissions granted and unused again since the last review.
    case regressed
    /// Days since the newest snapshot.
    case age
    /// Data problems listed on the dashboard.
    case problems
  }

  /// The figure watched.
  public var metric: Metric
  /// The largest value that does not fail.
  public var limit: Int
  /// `>=` instead of `>`: the limit itself fails.
  public var inclusive: Bool

  /// Parses `METRIC>N` or `METRIC>=N`; nil for anything else.
  public init?(_ text: String) {
    let inclusive = text.contains(">=")
    let parts = text.split(separator: ">", maxSplits: 1).map(String.init)
    guard parts.count == 2, let metric = Metric(rawValue: parts[0].trimmingCharacters(in: .whitespaces)),
      let limit = Int(
        (inclusive ? String(parts[1].dropFirst()) : parts[1]).trimmingCharacters(in: .whitespaces)),
      limit >= 0
    else { return nil }
    self.metric = metric
    self.limit = limit
    self.inclusive = inclusive
  }

  /// `overdue>10`.
  public var description: String { metric.rawValue + (inclusive ? ">=" : ">") + String(limit) }

  /// The figure in the report.
  public func value(in report: OrganisationReport) -> Int {
    switch metric {
    case .overdue: report.totals.overduePermissions
    case .open: report.totals.unusedPermissions
    case .outstanding: report.totals.outstandingPermissions
    case .new: report.changes.count(of: .new)
    case .regressed: report.changes.count(of: .regressed)
    case .age: report.freshness.snapshotAgeDays
    case .problems: report.dataProblems.count
    }
  }

  /// Whether the report crosses the threshold.
  public func isCrossed(by report: OrganisationReport) -> Bool {
    let value = value(in: report)
    return inclusive ? value >= limit : value > limit
  }
}

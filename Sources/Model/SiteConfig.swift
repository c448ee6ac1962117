/// The settings of `site.yml`, with defaults for everything left out.
public struct SiteConfig: Hashable, Sendable {
  /// The site's title, shown in every page header.
  public var title: String
  /// The absolute URL the site is published at, used only where a page needs one (feeds);
  /// links between pages are always relative.
  public var baseURL: String?
  /// Access unused for this many days before a snapshot counts as unused (default 90).
  public var unusedThresholdDays: Int
  /// The month (1–12) in which the fiscal year, and so Q1, begins (default 1).
  public var fiscalYearStartMonth: Int
  /// Where the history store lives, relative to the site folder (default `history.sqlite`).
  public var historyPath: String
  /// Tag keys whose value names the owning team (default `team` and `owner`).
  public var ownerTagKeys: [String]
  /// Whether raw HTML in procedures is kept (default false: it is dropped).
  public var allowsRawHTML: Bool
  /// An unused permission still open this many days after it was first seen is overdue (default 30).
  public var removalDeadlineDays: Int = 30
  /// Pages warn when the newest snapshot is older than this many days at build time (default 3).
  public var staleAfterDays: Int = 3
  /// "What changed" on team pages covers this many days; nil: since the current quarter began
  /// (the previous quarter's review).
  public var changesSinceDays: Int? = nil

  /// A configuration with every field given; each defaults as documented.
  public init(
    title: String = "IAM unused access", baseURL: String? = nil, unusedThresholdDays: Int = 90,
    fiscalYearStartMonth: Int = 1, historyPath: String = "history.sqlite",
    ownerTagKeys: [String] = ["team", "owner"], allowsRawHTML: Bool = false
  ) {
    self.title = title
    self.baseURL = baseURL
    self.unusedThresholdDays = unusedThresholdDays
    self.fiscalYearStartMonth = fiscalYearStartMonth
    self.historyPath = historyPath
    self.ownerTagKeys = ownerTagKeys
    self.allowsRawHTML = allowsRawHTML
  }
}

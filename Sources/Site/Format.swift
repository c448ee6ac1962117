import Model

/// How numbers and dates read on pages.
enum Format {
  /// `12,345`.
  static func count(_ value: Int) -> String {
    // Most counts on a page are below a thousand and need no separator.
    if value > -1000 && value < 1000 { return String(value) }
    let digits = Array(String(value.magnitude).utf8)
    var result: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { result.append(UInt8(ascii: ",")) }
      result.append(digit)
    }
    return String(decoding: result, as: UTF8.self)
  }

  /// A share as a whole percentage, `45%`; shares that round to 0 or 100 but are not say `<1%` or `>99%`.
  static func percent(_ share: Double) -> String {
    guard share.isFinite else { return "0%" }
    let rounded = Int((share * 100).rounded())
    if rounded == 0 && share > 0 { return "<1%" }
    if rounded == 100 && share < 1 { return ">99%" }
    return "\(rounded)%"
  }

  /// `2026-11-22`, or the fallback when unknown.
  static func day(_ day: Day?, otherwise fallback: String) -> String {
    day?.iso ?? fallback
  }

  /// `1 day`, `12 days`.
  static func days(_ count: Int) -> String {
    // Taken from a table for the usual counts: pages print one or two for each of a million
    // items, and every such text fits inside a string value, so sharing it costs nothing.
    if count >= 0 && count < dayTexts.count { return dayTexts[count] }
    return String(concatenating: String(count), " days")
  }

  private static let dayTexts = (0..<4_000).map { $0 == 1 ? "1 day" : "\($0) days" }

  /// `overdue by 3 days`: from a table for the usual counts, like `days(_:)`, since every overdue
  /// item of a page says it (and the text is too long to be copied without a reference count,
  /// which costs far less than making it).
  static func overdueBy(_ count: Int) -> String {
    if count >= 0 && count < overdueTexts.count { return overdueTexts[count] }
    return String(concatenating: "overdue by ", days(count))
  }

  private static let overdueTexts = dayTexts.map { String(concatenating: "overdue by ", $0) }

  /// `counted(value, "unused permission", "unused permissions")`, which heads every group of
  /// every principal page: the texts of the counts most groups have are made once.
  static func unusedPermissions(_ value: Int) -> String {
    value >= 0 && value < unusedPermissionTexts.count
      ? unusedPermissionTexts[value] : counted(value, "unused permission", "unused permissions")
  }

  private static let unusedPermissionTexts = (0..<100).map {
    counted($0, "unused permission", "unused permissions")
  }

  /// A number with its noun, singular or plural: `1 role`, `3 roles`.
  static func counted(_ value: Int, _ singular: String, _ plural: String) -> String {
    // One string made at its final size: every group of a principal page has such a heading.
    String(concatenating: count(value), " ", value == 1 ? singular : plural)
  }
}

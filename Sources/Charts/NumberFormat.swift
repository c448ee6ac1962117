/// Number formatting for coordinates and labels.
///
/// Written by hand rather than with `String(format:)` or `Double.description` so that output never
/// contains exponents (`1e-05`), negative zero or locale-dependent separators, and is the same on
/// every platform.
enum NumberFormat {
  /// A coordinate with at most two decimals and no trailing zeros: `12`, `12.5`, `0.25`.
  static func coordinate(_ value: Double) -> String {
    fixed(value, decimals: 2, grouped: false)
  }

  /// A count with thousands separators: `12,000`, `-1,234,567`.
  static func count(_ value: Int) -> String {
    let digits = String(value.magnitude)
    return (value < 0 ? "-" : "") + group(digits)
  }

  /// A share from 0 to 1 as a percentage with at most one decimal: `45.2%`, `100%`, `0%`, and
  /// `<0.1%` for a share that is not zero but would round to it, so it never reads as nothing.
  static func percent(_ share: Double) -> String {
    guard share.isFinite else { return "0%" }
    let value = share * 100
    if value > 0 && value < 0.05 { return "<0.1%" }
    return fixed(value, decimals: 1, grouped: true) + "%"
  }

  /// `value` rounded to at most `decimals` decimals, trailing zeros removed, optionally with
  /// thousands separators. Non-finite values print as `0`; magnitudes are capped at 10¹⁵ so the
  /// integer conversion cannot trap.
  static func fixed(_ value: Double, decimals: Int, grouped: Bool) -> String {
    guard value.isFinite else { return "0" }
    let places = min(max(decimals, 0), 6)
    var scale: Int64 = 1
    for _ in 0..<places { scale *= 10 }
    let magnitude = min(value.magnitude, 1e15)
    // Rounding the magnitude keeps rounding symmetric around zero, and a result of zero prints
    // without a sign, so `-0` cannot appear.
    let scaled = Int64((magnitude * Double(scale)).rounded())
    if scaled == 0 { return "0" }
    let integerPart = String(scaled / scale)
    var text = (value < 0 ? "-" : "") + (grouped ? group(integerPart) : integerPart)
    let fraction = scaled % scale
    if fraction != 0 {
      var digits = String(fraction)
      digits = String(repeating: "0", count: places - digits.count) + digits
      while digits.hasSuffix("0") { digits.removeLast() }
      text += "." + digits
    }
    return text
  }

  /// Inserts `,` every three digits from the right of a string of ASCII digits.
  private static func group(_ digits: String) -> String {
    let characters = Array(digits)
    var out = ""
    for (index, character) in characters.enumerated() {
      if index > 0 && (characters.count - index) % 3 == 0 { out += "," }
      out.append(character)
    }
    return out
  }
}

/// Axis ticks at "nice" round numbers.
///
/// Steps are 1, 2 or 5 times a power of ten, and the ticks always cover the data: the first tick
/// is at or below the minimum and the last at or above the maximum, so bars and lines never run
/// past the top of an axis.
public enum NiceScale {
  /// Evenly spaced round ticks that cover `min...max`, at most `maxCount` of them (both ends
  /// included; `maxCount` below 2 counts as 2).
  ///
  /// The smallest step of the form 1, 2 or 5 × 10ⁿ that needs no more than `maxCount` ticks wins,
  /// so `0...7` with 5 ticks gives `0, 2, 4, 6, 8` and `0...1234` gives `0, 500, 1000, 1500`.
  /// Steps below `minimumStep` are skipped: pass 1 for counts so an axis never shows `0.5`.
  ///
  /// Degenerate input still gives a usable axis: equal bounds are widened to include zero
  /// (`0...0` becomes `0...1`), swapped bounds are put in order, and non-finite bounds are
  /// treated as `0...1`. Bounds are clamped to ±10¹⁵.
  public static func ticks(min: Double, max: Double, maxCount: Int, minimumStep: Double = 0) -> [Double] {
    scale(min: min, max: max, maxCount: maxCount, minimumStep: minimumStep).ticks
  }

  /// Ticks with the step that produced them and the number of decimals their labels need.
  struct Scale: Equatable {
    /// The tick values, ascending, at least two.
    var ticks: [Double]
    /// The distance between two ticks.
    var step: Double
    /// Decimals needed to print every tick exactly (0 for steps of 1 or more).
    var decimals: Int

    /// The lowest tick: the bottom of the axis.
    var lower: Double { ticks.first ?? 0 }
    /// The highest tick: the top of the axis.
    var upper: Double { ticks.last ?? 1 }

    /// Tick labels with thousands separators and the decimals the step needs.
    var labels: [String] {
      ticks.map { NumberFormat.fixed($0, decimals: decimals, grouped: true) }
    }
  }

  /// The ticks, step and label precision for `min...max`; see `ticks(min:max:maxCount:minimumStep:)`.
  static func scale(min lowerBound: Double, max upperBound: Double, maxCount: Int, minimumStep: Double)
    -> Scale
  {
    let limit = 1e15
    var lower = lowerBound.isFinite ? Swift.min(Swift.max(lowerBound, -limit), limit) : 0
    var upper = upperBound.isFinite ? Swift.min(Swift.max(upperBound, -limit), limit) : 1
    if !lowerBound.isFinite || !upperBound.isFinite {
      // One usable bound is not enough to trust the other: fall back to a unit axis.
      lower = 0
      upper = 1
    }
    if lower > upper { swap(&lower, &upper) }
    if lower == upper {
      // A single value: span from zero to it, so a bar of that value has something to stand on.
      if lower == 0 {
        upper = 1
      } else if lower > 0 {
        lower = 0
      } else {
        upper = 0
      }
    }
    // Two ticks cannot cover a range that straddles zero (zero is a multiple of every step and
    // would always be a third tick), so such a range gets at least three.
    let count = Swift.max(maxCount, lower < 0 && upper > 0 ? 3 : 2)
    let floorStep = minimumStep.isFinite && minimumStep > 0 ? Swift.min(minimumStep, limit) : 0
    // Tiny spans would only produce unreadable labels; 10⁻⁹ keeps the exponent search short.
    let span = Swift.max(upper - lower, 1e-9)
    var exponent = floorExponent(span / Double(count - 1)) - 1
    if floorStep > 0 { exponent = Swift.max(exponent, floorExponent(floorStep) - 1) }
    // Each decade multiplies the step by ten, so a few dozen rounds always reach a fitting step.
    for _ in 0..<40 {
      for mantissa in [1, 2, 5] {
        let step = Double(mantissa) * powerOfTen(exponent)
        if step < floorStep * (1 - 1e-12) { continue }
        // A tolerance of a billionth of the span absorbs rounding such as 0.3 / 0.1 =
        // 2.9999999999999996 without letting a tick miss the data by more than that.
        let tolerance = span * 1e-9 / step
        let first = (lower / step + tolerance).rounded(.down)
        let last = (upper / step - tolerance).rounded(.up)
        guard last - first + 1 <= Double(count) else { continue }
        let firstIndex = Int(first)
        // Bounds within a hair of one multiple of the step would give a single tick; an axis
        // needs two.
        let lastIndex = max(Int(last), firstIndex + 1)
        let ticks = (firstIndex...lastIndex).map { index in
          value(index * mantissa, exponent: exponent)
        }
        return Scale(ticks: ticks, step: step, decimals: Swift.max(0, -exponent))
      }
      exponent += 1
    }
    // Unreachable for clamped input, but a two-tick axis is better than a trap.
    return Scale(ticks: [lower, upper], step: upper - lower, decimals: 2)
  }

  /// `units × 10^exponent`, dividing for negative exponents so that `3 × 10⁻¹` is the double
  /// nearest 0.3 rather than `0.30000000000000004`.
  private static func value(_ units: Int, exponent: Int) -> Double {
    exponent >= 0 ? Double(units) * powerOfTen(exponent) : Double(units) / powerOfTen(-exponent)
  }

  /// 10ⁿ; exact for the exponents used here (|n| ≤ 22).
  private static func powerOfTen(_ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent.magnitude { result *= 10 }
    return exponent >= 0 ? result : 1 / result
  }

  /// The largest n with 10ⁿ ≤ x, for positive x (computed by stepping, which avoids pulling in
  /// a maths library and is exact at powers of ten).
  private static func floorExponent(_ x: Double) -> Int {
    var exponent = 0
    while exponent < 20 && powerOfTen(exponent + 1) <= x { exponent += 1 }
    while exponent > -20 && powerOfTen(exponent) > x { exponent -= 1 }
    return exponent
  }
}

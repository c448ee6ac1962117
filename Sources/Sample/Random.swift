/// SplitMix64 (Steele, Lea and Flood): a tiny, fast generator whose output depends only on its
/// seed. The sample must be byte-identical for a seed on every machine and toolchain, so it never
/// uses the system generator, and its helpers below use only integer arithmetic and the IEEE
/// operations `+ - * /` (correctly rounded everywhere) rather than the standard library's
/// `random(in:using:)` or `exp`, whose algorithms may change between releases or platforms.
struct SplitMix64 {
  private var state: UInt64

  /// A generator that starts from `seed`.
  init(seed: UInt64) {
    state = seed
  }

  /// A generator for one named part of the sample (an account, a principal, a snapshot), so that
  /// parts can be generated in any order, or in parallel, and still come out the same.
  init(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0, _ d: UInt64 = 0) {
    state = Mix.hash(a, b, c, d)
  }

  /// The next 64 random bits.
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return Mix.finalize(state)
  }

  /// A number in `0..<bound`; `bound` must be positive. Multiply-high is biased by at most
  /// bound/2^64, far below anything the sample could show.
  mutating func below(_ bound: Int) -> Int {
    Int(next().multipliedFullWidth(by: UInt64(bound)).high)
  }

  /// A number in the closed range.
  mutating func within(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }

  /// A number in `[0, 1)` with 53 random bits.
  mutating func unit() -> Double {
    Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
  }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool {
    unit() < p
  }

  /// One element of a non-empty array.
  mutating func pick<T>(_ items: [T]) -> T {
    items[below(items.count)]
  }

  /// An index chosen with probability proportional to `weights` (non-negative, `total` their sum).
  mutating func weighted(_ weights: [Int], total: Int) -> Int {
    var roll = below(total)
    for (index, weight) in weights.enumerated() {
      if roll < weight { return index }
      roll -= weight
    }
    return weights.count - 1
  }

  /// A Poisson-distributed count with the given mean, by inversion. Means above 40 (never used
  /// by the sample, but accepted) are split into several draws so `e^-mean` never underflows.
  mutating func poisson(_ mean: Double) -> Int {
    guard mean > 0 else { return 0 }
    if mean > 40 {
      let half = mean / 2
      return poisson(half) + poisson(mean - half)
    }
    var probability = Mix.expNegative(mean)
    var cumulative = probability
    let roll = unit()
    var count = 0
    while roll >= cumulative, count < 400 {
      count += 1
      probability *= mean / Double(count)
      cumulative += probability
    }
    return count
  }

  /// Rounds `value` down or up at random, in proportion to its fraction, so that expected
  /// counts stay right at small sizes (1.3 becomes 1 or, on 30% of draws, 2).
  mutating func roundStochastically(_ value: Double) -> Int {
    let whole = value.rounded(.down)
    return Int(whole) + (chance(value - whole) ? 1 : 0)
  }
}

/// Stable 64-bit mixing, for identifiers and per-part seeds that must not depend on generation order.
enum Mix {
  /// The SplitMix64 finaliser: a bijection that spreads every input bit over the output.
  static func finalize(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A hash of up to four numbers; the order matters.
  static func hash(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0, _ d: UInt64 = 0) -> UInt64 {
    var h = finalize(a &+ 0x9E37_79B9_7F4A_7C15)
    h = finalize(h ^ (b &* 0xC2B2_AE3D_27D4_EB4F))
    h = finalize(h ^ (c &* 0x1656_67B1_9E37_79F9))
    return finalize(h ^ (d &* 0x27D4_EB2F_1656_67C5))
  }

  /// A stable hash of a string (FNV-1a, then finalised): Swift's own `hashValue` is seeded per
  /// process, so it must never decide anything in the sample.
  static func hash(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
      h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return finalize(h)
  }

  /// `e^-x` for `0 <= x <= 40` from `+ - * /` alone: a Taylor series for `x / 1024`, then ten
  /// squarings. Accurate to about 1e-12 relative, and the same on every IEEE machine.
  static func expNegative(_ x: Double) -> Double {
    let small = -x / 1024
    var term = 1.0
    var sum = 1.0
    for n in 1...10 {
      term *= small / Double(n)
      sum += term
    }
    for _ in 0..<10 { sum *= sum }
    return sum
  }
}

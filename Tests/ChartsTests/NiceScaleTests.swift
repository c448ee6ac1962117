import Testing

@testable import Charts

@Suite struct NiceScaleTests {
  @Test(arguments: [
    (0.0, 7.0, 5, [0.0, 2, 4, 6, 8]),
    (0.0, 1234.0, 5, [0.0, 500, 1000, 1500]),
    (0.0, 100.0, 6, [0.0, 20, 40, 60, 80, 100]),
    (0.0, 1_000_000.0, 5, [0.0, 500_000, 1_000_000]),
    (0.0, 1_200_000.0, 6, [0.0, 500_000, 1_000_000, 1_500_000]),
    (-3.0, 7.0, 6, [-5.0, 0, 5, 10]),
    (0.3, 0.7, 5, [0.3, 0.4, 0.5, 0.6, 0.7]),
    (0.0, 0.0, 5, [0.0, 0.5, 1]),
    (7.0, 0.0, 5, [0.0, 2, 4, 6, 8]),
    (0.0, 7.0, 1, [0.0, 10]),
    (-0.3, 0.4, 2, [-0.5, 0, 0.5]),
    (42.0, 42.0, 5, [0.0, 20, 40, 60]),
    (-42.0, -42.0, 5, [-60.0, -40, -20, 0]),
  ])
  func pinnedTicks(min: Double, max: Double, count: Int, expected: [Double]) {
    #expect(NiceScale.ticks(min: min, max: max, maxCount: count) == expected)
  }

  @Test func nearlyEqualBoundsStillGiveTwoTicks() {
    let ticks = NiceScale.ticks(min: 0.5, max: 0.5 + 1e-12, maxCount: 5)
    #expect(ticks.count >= 2 && ticks.first! <= 0.5 && ticks.last! >= 0.5 + 1e-12)
  }

  @Test func minimumStepKeepsCountsWhole() {
    #expect(NiceScale.ticks(min: 0, max: 0, maxCount: 5, minimumStep: 1) == [0, 1])
    #expect(NiceScale.ticks(min: 0, max: 1, maxCount: 6, minimumStep: 1) == [0, 1])
    #expect(NiceScale.ticks(min: 0, max: 3, maxCount: 6, minimumStep: 1) == [0, 1, 2, 3])
    // Without the floor, 0…1 would be split into fifths.
    #expect(NiceScale.ticks(min: 0, max: 1, maxCount: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1])
  }

  @Test func nonFiniteBoundsGiveAUnitAxis() {
    #expect(NiceScale.ticks(min: .nan, max: 5, maxCount: 5) == [0, 0.5, 1])
    #expect(NiceScale.ticks(min: 0, max: .infinity, maxCount: 5) == [0, 0.5, 1])
    #expect(NiceScale.ticks(min: 0, max: 10, maxCount: 5, minimumStep: .nan) == [0, 5, 10])
  }

  @Test func hugeBoundsAreClampedNotTrapped() {
    let ticks = NiceScale.ticks(min: 0, max: 1e300, maxCount: 5)
    #expect(ticks.count >= 2 && ticks.count <= 5)
    #expect(ticks.last! >= 1e15)
  }

  @Test func labelsHaveThousandsSeparatorsAndNeededDecimals() {
    #expect(
      NiceScale.scale(min: 0, max: 12_000, maxCount: 5, minimumStep: 0).labels == [
        "0", "5,000", "10,000", "15,000",
      ])
    #expect(
      NiceScale.scale(min: 0.3, max: 0.7, maxCount: 5, minimumStep: 0).labels == [
        "0.3", "0.4", "0.5", "0.6", "0.7",
      ])
    #expect(
      NiceScale.scale(min: 0, max: 0.12, maxCount: 4, minimumStep: 0).labels == ["0", "0.05", "0.1", "0.15"])
  }

  /// Properties over many ranges from a fixed pseudo-random sequence: the ticks cover the data,
  /// respect the count, are evenly spaced by a 1-2-5 step, and no smaller 1-2-5 step would fit.
  @Test func propertiesHoldOverManyRanges() throws {
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(seed >> 11) / Double(1 << 53)
    }
    for _ in 0..<2000 {
      let magnitude = [1.0, 10, 1000, 1e6, 0.01][Int(next() * 5)]
      let a = (next() * 2 - 0.5) * magnitude
      let b = (next() * 2 - 0.5) * magnitude
      let count = 2 + Int(next() * 8)
      let allowed = a * b < 0 ? max(count, 3) : count
      let ticks = NiceScale.ticks(min: a, max: b, maxCount: count)
      let (low, high) = (min(a, b), max(a, b))
      try #require(ticks.count >= 2 && ticks.count <= allowed, "range \(a)…\(b), \(count) ticks: \(ticks)")
      let slack = (high - low) * 1e-8
      #expect(
        ticks.first! <= low + slack && ticks.last! >= high - slack,
        "range \(a)…\(b), \(count) ticks: \(ticks)")
      let step = ticks[1] - ticks[0]
      for (left, right) in zip(ticks, ticks.dropFirst()) {
        #expect(abs((right - left) - step) <= step * 1e-9)
      }
      var mantissa = step
      while mantissa >= 9.999_999 { mantissa /= 10 }
      while mantissa < 0.999_999 { mantissa *= 10 }
      let nice = [1.0, 2, 5].first { abs(mantissa - $0) < 1e-6 }
      #expect(nice != nil, "step \(step)")
      // The next smaller 1-2-5 step (5 → 2, 2 → 1, 1 → 0.5) would need more ticks than allowed.
      let smallerStep = nice == 5 ? step * 0.4 : step / 2
      let needed =
        ((high / smallerStep) - 1e-9).rounded(.up) - ((low / smallerStep) + 1e-9).rounded(.down) + 1
      #expect(needed > Double(allowed), "range \(low)…\(high), \(count) ticks: \(ticks)")
    }
  }
}

import Testing

@testable import Charts

@Suite struct LeaderboardChartTests {
  static let teams = [
    LeaderboardEntry(label: "Search", rate: 0.25, removed: 25, identified: 100),
    LeaderboardEntry(label: "Payments", rate: 0.5, removed: 50, identified: 100),
    LeaderboardEntry(label: "Unowned", rate: 0.1, removed: 1, identified: 10, isSetApart: true),
    LeaderboardEntry(label: "Billing", rate: nil, removed: 0, identified: 0),
    LeaderboardEntry(label: "Edge", rate: 1, removed: 123_456, identified: 123_456),
    LeaderboardEntry(label: "Data", rate: 0.25, removed: 1, identified: 4),
    LeaderboardEntry(label: "Ads", rate: 0, removed: 0, identified: 7),
  ]

  private func render(_ entries: [LeaderboardEntry], width: Double = 600, reference: Double? = nil) throws
    -> Node
  {
    try parseSVG(
      LeaderboardChart(
        entries: entries, width: width, referenceRate: reference, referenceName: "Organisation"
      )
      .svg(title: "T", description: "", idPrefix: "lb"))
  }

  /// The name labels, top to bottom.
  private func names(_ root: Node) -> [Node] {
    root.find("g", class: "bar-labels").first?.find("text") ?? []
  }

  /// The value labels, top to bottom (not their halo).
  private func values(_ root: Node) -> [Node] {
    root.find("g", class: "value-labels").first?.find("text") ?? []
  }

  @Test func ranksByRateThenNameWithNoRateAndSetApartLast() throws {
    let chart = LeaderboardChart(entries: Self.teams)
    #expect(chart.ranked.map(\.label) == ["Edge", "Payments", "Data", "Search", "Ads", "Billing", "Unowned"])
    let root = try render(Self.teams)
    #expect(names(root).map(\.text) == chart.ranked.map(\.label))
    let ys = names(root).map { $0.number("y") }
    #expect(zip(ys, ys.dropFirst()).allSatisfy { $0 < $1 })
  }

  @Test func barLengthsAreProportionalToTheRateOnAFixedScale() throws {
    let root = try render(Self.teams)
    let bars = root.find("rect", class: "bar")
    // Billing has no bar; every other row has one, Ads' of zero length.
    #expect(bars.count == 6)
    let widths = bars.map { $0.number("width") }
    let full = widths[0]
    #expect(full > 200)
    #expect(abs(widths[1] / full - 0.5) < 0.005)
    #expect(abs(widths[2] / full - 0.25) < 0.005 && abs(widths[3] / full - 0.25) < 0.005)
    #expect(widths[4] == 0)
    #expect(abs(widths[5] / full - 0.1) < 0.005)
    #expect(Set(bars.map { $0.number("x") }).count == 1)
    // The scale is 0–100 %, not relative to the best team: the 100% tick sits at the end of a
    // full bar, the 50% tick at half of it.
    let ticks = try #require(root.find("g", class: "tick-labels x-axis top").first).find("text")
    #expect(ticks.first?.text == "0%" && ticks.last?.text == "100%")
    let x0 = bars[0].number("x")
    for tick in ticks {
      let expected = x0 + labelValue(tick.text) / 100 * full
      #expect(abs(tick.number("x") - expected) < 0.02, "\(tick.text)")
    }
    #expect(
      values(root).map(\.text) == [
        "100% (123,456 of 123,456)", "50% (50 of 100)", "25% (1 of 4)", "25% (25 of 100)", "0% (0 of 7)",
        "nothing identified", "10% (1 of 10)",
      ])
    // Billing has no bar: its words stand where the bar would start.
    var labelled = values(root)
    let billing = labelled.remove(at: 5)
    #expect(abs(billing.number("x") - (bars[0].number("x") + 6)) < 0.02)
    for (value, bar) in zip(labelled, bars) {
      #expect(value.number("x") >= bar.number("x") + bar.number("width") + 6 - 0.01)
      #expect(abs(value.number("y") - (bar.number("y") + bar.number("height") / 2)) < 0.02)
    }
    #expect(bars[1].tooltip == "Payments, Reduction rate: 50% (50 of 100)")
  }

  @Test func noRateIsSaidInWordsNotDrawnAsZero() throws {
    let root = try render([
      LeaderboardEntry(label: "Billing", rate: nil, removed: 0, identified: 0),
      LeaderboardEntry(label: "Odd", rate: .nan, removed: 0, identified: 0),
    ])
    #expect(root.find("rect", class: "bar").isEmpty)
    let labels = root.find("text", class: "no-rate")
    #expect(labels.map(\.text) == ["nothing identified", "nothing identified"])
    #expect(labels.allSatisfy { $0.attributes["font-style"] == "italic" })
  }

  @Test func theUnownedGroupIsSetApartWithoutColour() throws {
    let root = try render(Self.teams)
    let apart = try #require(root.find("rect", class: "bar set-apart").first)
    // Hatched and outlined, not just another colour; below a rule and every ranked bar.
    #expect(apart.attributes["fill"] == "url(#lb-apart)")
    #expect(apart.attributes["stroke-dasharray"] != nil)
    #expect(root.find("pattern").first?.attributes["id"] == "lb-apart")
    let rule = try #require(root.find("line", class: "separator").first)
    let ranked = root.find("rect", class: "bar").filter { $0 !== apart }
    #expect(ranked.allSatisfy { $0.number("y") + $0.number("height") < rule.number("y1") })
    #expect(apart.number("y") > rule.number("y1"))
    let label = try #require(names(root).last)
    #expect(label.text == "Unowned" && label.attributes["font-style"] == "italic")
    // Without a set-apart row there is no rule and no pattern.
    let plain = try render(Array(Self.teams.prefix(2)))
    #expect(plain.find("line", class: "separator").isEmpty && plain.find("pattern").isEmpty)
  }

  @Test func referenceRuleMarksTheOrganisationRate() throws {
    let root = try render(Self.teams, reference: 0.3)
    let rule = try #require(
      root.find("line", class: "reference").first { $0.attributes["class"] == "reference" })
    let full = try #require(root.find("rect", class: "bar").first)
    #expect(abs(rule.number("x1") - (full.number("x") + 0.3 * full.number("width"))) < 0.02)
    #expect(rule.attributes["stroke-dasharray"] != nil)
    #expect(rule.tooltip == "Organisation, Reduction rate: 30%")
    let legend = try #require(root.find("g", class: "legend-item reference").first)
    #expect(legend.find("text").first?.text == "Organisation: 30%")
    // The rule spans every row, so it is drawn after the bars; the value labels come later still,
    // over a halo that interrupts it.
    let order = root.all.map { $0.attributes["class"] ?? "" }
    let ruleIndex = try #require(order.firstIndex(of: "reference"))
    #expect(order.firstIndex(of: "bars")! < ruleIndex)
    #expect(
      ruleIndex < order.firstIndex(of: "halo")!
        && order.firstIndex(of: "halo")! < order.firstIndex(of: "value-labels")!)
    let halo = try #require(root.find("g", class: "halo").first).find("text")
    #expect(halo.map(\.text) == values(root).map(\.text))
    #expect(halo.map { $0.number("x") } == values(root).map { $0.number("x") })
    // A reference without a finite rate is left out, legend and all.
    let none = try render(Self.teams, reference: .infinity)
    #expect(none.find("line", class: "reference").isEmpty && none.find("g", class: "legend").isEmpty)
  }

  @Test func ratesOutsideZeroToOneAreClamped() throws {
    let root = try render([
      LeaderboardEntry(label: "High", rate: 1.7, removed: 17, identified: 10),
      LeaderboardEntry(label: "Low", rate: -0.2, removed: -2, identified: 10),
    ])
    #expect(values(root).map(\.text) == ["100% (17 of 10)", "0% (0 of 10)"])
    let bars = root.find("rect", class: "bar")
    #expect(bars[1].number("width") == 0)
  }

  @Test func fortyTeamsWithLongNamesStayLegibleAndInside() throws {
    let long = "Payments Platform Reliability, Fraud Prevention and Chargebacks (EMEA)"
    let entries = (0..<40).map { index in
      LeaderboardEntry(
        label: index == 7 ? long : "Team \(index)", rate: Double(index) / 40, removed: index * 25_000,
        identified: 999_999, isSetApart: index == 39)
    }
    for width in [640.0, 360] {
      let root = try render(entries, width: width, reference: 0.42)
      let (canvasWidth, height) = viewBoxSize(root)
      #expect(height == LeaderboardChart(entries: entries, referenceRate: 0.42).height)
      #expect(height > 40 * LeaderboardChart.rowHeight)
      let bars = root.find("rect", class: "bar")
      #expect(bars.count == 40)
      // One row each, never overlapping, all inside the canvas.
      let sorted = bars.sorted { $0.number("y") < $1.number("y") }
      for (upper, lower) in zip(sorted, sorted.dropFirst()) {
        #expect(upper.number("y") + upper.number("height") < lower.number("y"))
      }
      #expect(sorted.last.map { $0.number("y") + $0.number("height") < height } == true)
      for name in names(root) {
        #expect(name.number("x") - TextMetrics.width(name.text, fontSize: 12) >= 0, "\(name.text)")
      }
      for value in values(root) {
        #expect(
          value.number("x") + TextMetrics.width(value.text, fontSize: 12) <= canvasWidth, "\(value.text)")
      }
      // The long name is cut, with the full name kept in a tooltip.
      let cut = try #require(names(root).first { $0.tooltip == long })
      #expect(cut.text.hasSuffix("…") && cut.text.count < long.count)
      // Long lists repeat the axis under the bars.
      let bottom = try #require(root.find("g", class: "tick-labels x-axis bottom").first).find("text")
      #expect(bottom.last?.text == "100%")
      #expect(bottom.allSatisfy { $0.number("y") > sorted.last!.number("y") })
      // Six-digit counts fit on the wide canvas; the narrow one keeps only the rates.
      if width == 640 {
        #expect(values(root).contains { $0.text == "97.5% (975,000 of 999,999)" })
      } else {
        #expect(values(root).allSatisfy { $0.text.hasSuffix("%") })
        #expect(try #require(bars.first).number("width") >= 120)
      }
    }
    // Short lists keep the axis above only.
    let short = try render(Array(entries.prefix(12)))
    #expect(short.find("g", class: "tick-labels x-axis bottom").isEmpty)
  }

  @Test func emptySaysSo() throws {
    let root = try render([])
    #expect(root.find("text", class: "empty-message").first?.text == "No data yet")
    #expect(viewBoxSize(root).height == 80 && LeaderboardChart(entries: []).height == 80)
  }

  @Test func hostileTeamNamesStayInTheirTextElements() throws {
    let hostile = CommonChartTests.hostile
    let root = try render([LeaderboardEntry(label: hostile, rate: 0.5, removed: 1, identified: 2)])
    #expect(root.all.allSatisfy { $0.name != "script" })
    let label = try #require(names(root).first)
    #expect(label.text == hostile || label.tooltip == hostile)
    #expect(root.find("rect", class: "bar").first?.tooltip == hostile + ", Reduction rate: 50% (1 of 2)")
  }

  @Test func tableTwinFollowsTheRanking() {
    let table = LeaderboardChart(entries: Self.teams, valueName: "Reduction rate").table(caption: "Teams")
    #expect(table.header == ["Team", "Reduction rate", "Removed", "Identified"])
    #expect(table.rows.map { $0[0] } == LeaderboardChart(entries: Self.teams).ranked.map(\.label))
    #expect(table.rows[0] == ["Edge", "100%", "123,456", "123,456"])
    #expect(table.rows[5] == ["Billing", "nothing identified", "0", "0"])
    #expect(table.numericColumns == [false, true, true, true])
  }
}

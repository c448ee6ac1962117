/// One team of a `LeaderboardChart`.
public struct LeaderboardEntry: Sendable, Equatable {
  /// The team's name. Names too long for the label column are cut with `…` in the chart and keep
  /// their full text in a `<title>`.
  public var label: String
  /// The reduction rate, removed / identified, from 0 to 1 (clamped to that range); nil, NaN or
  /// infinite when nothing was identified, which the chart says in words instead of drawing a
  /// bar of 0 %.
  public var rate: Double?
  /// Unused permissions removed, for the value label (negative values count as 0).
  public var removed: Int
  /// Unused permissions identified, for the value label (negative values count as 0).
  public var identified: Int
  /// Whether the row stands apart from the ranked teams, such as the principals no team owns: it
  /// is drawn after them, below a rule, with a hatched and outlined bar and an italic label.
  public var isSetApart: Bool

  /// A row with the given figures.
  public init(label: String, rate: Double?, removed: Int, identified: Int, isSetApart: Bool = false) {
    self.label = label
    self.rate = rate
    self.removed = removed
    self.identified = identified
    self.isSetApart = isSetApart
  }

  /// The rate clamped to 0…1, or nil when there is none to draw.
  var drawableRate: Double? {
    guard let rate, rate.isFinite else { return nil }
    return min(max(rate, 0), 1)
  }
}

/// Teams ranked by reduction rate as horizontal bars on a fixed 0–100 % scale, such as "share of
/// this quarter's unused permissions removed".
///
/// The chart ranks the rows itself (`ranked`): highest rate first, ties by name; then teams
/// without a rate (nothing identified), by name, with the words "nothing identified" instead of a
/// bar; then rows set apart (the unowned group) in the given order, below a rule, hatched, in
/// italics. Each bar is labelled with its rate and, where the width allows, the counts behind it
/// (`43% (32 of 74)`); on a narrow canvas only the rate. Value labels have a halo in the background
/// colour, so the reference rule never runs through their text. An optional reference rate (the
/// organisation's) is a dashed vertical rule named in a legend. The percentage axis is written
/// above the bars, and below them as well when there are more than 12 rows, so it stays in view
/// on a long list. The height grows with the rows, 22 units a row.
public struct LeaderboardChart: Sendable, Equatable {
  /// The teams, in any order.
  public var entries: [LeaderboardEntry]
  /// Intrinsic width in viewBox units (at least 240).
  public var width: Double
  /// A rate to mark across all bars, such as the organisation's, from 0 to 1; nil for none.
  public var referenceRate: Double?
  /// What the reference is, for its legend entry, such as `Organisation`.
  public var referenceName: String
  /// Heading of the name column in the table, such as `Team`.
  public var categoryName: String
  /// What the rate is, for tooltips and the table heading.
  public var valueName: String

  /// A chart of `entries`.
  public init(
    entries: [LeaderboardEntry], width: Double = 600, referenceRate: Double? = nil,
    referenceName: String = "Overall", categoryName: String = "Team", valueName: String = "Reduction rate"
  ) {
    self.entries = entries
    self.width = width
    self.referenceRate = referenceRate
    self.referenceName = referenceName
    self.categoryName = categoryName
    self.valueName = valueName
  }

  static let rowHeight = 22.0
  static let barThickness = 14.0
  /// Extra space above the first row set apart, where the rule between the groups goes.
  static let separation = 8.0
  /// Rows beyond which the axis is repeated under the bars.
  static let bottomAxisRows = 12

  /// The rows in drawing order: ranked teams by rate (highest first, ties by name, then input
  /// order), teams without a rate by name, then rows set apart in input order.
  public var ranked: [LeaderboardEntry] {
    let indexed = Array(entries.enumerated())
    let withRate = indexed.filter { !$0.element.isSetApart && $0.element.drawableRate != nil }.sorted {
      let (left, right) = ($0.element, $1.element)
      if left.drawableRate! != right.drawableRate! { return left.drawableRate! > right.drawableRate! }
      if left.label != right.label { return left.label < right.label }
      return $0.offset < $1.offset
    }
    let withoutRate = indexed.filter { !$0.element.isSetApart && $0.element.drawableRate == nil }.sorted {
      ($0.element.label, $0.offset) < ($1.element.label, $1.offset)
    }
    let apart = indexed.filter { $0.element.isSetApart }
    return (withRate + withoutRate + apart).map(\.element)
  }

  /// Intrinsic height in viewBox units: a top band for the legend and axis, 22 per row, the
  /// separation before rows set apart, and a bottom axis for long lists; 80 with no rows.
  public var height: Double {
    guard !entries.isEmpty else { return 80 }
    return layoutHeights().total
  }

  /// The complete `<svg>` element; see `QuarterlyChart.svg(title:description:idPrefix:embedding:)`.
  public func svg(title: String, description: String, idPrefix: String, embedding: SVGEmbedding = .inline)
    -> String
  {
    let width = Draw.dimension(width, fallback: 600, minimum: 240)
    let height = height
    return ChartDocument.svg(
      width: width, height: height, classes: "chart chart-leaderboard", title: title,
      description: description, idPrefix: idPrefix, embedding: embedding
    ) { writer, ids in
      if entries.isEmpty {
        Draw.emptyState(&writer, width: width, height: height)
      } else {
        draw(&writer, ids: ids, width: width)
      }
    }
  }

  /// The same figures as a table in ranked order: `categoryName`, `valueName`, Removed,
  /// Identified; a team without a rate reads `nothing identified`.
  public func table(caption: String) -> ChartTable {
    ChartTable(
      caption: caption, header: [categoryName, valueName, "Removed", "Identified"],
      rows: ranked.map {
        [
          $0.label, $0.drawableRate.map(NumberFormat.percent) ?? "nothing identified",
          NumberFormat.count(max($0.removed, 0)), NumberFormat.count(max($0.identified, 0)),
        ]
      }, numericColumns: [false, true, true, true])
  }

  /// The value label of a row: the rate with the counts behind it, or only the rate.
  static func valueLabel(_ entry: LeaderboardEntry, withCounts: Bool) -> String {
    guard let rate = entry.drawableRate else { return "nothing identified" }
    let percent = NumberFormat.percent(rate)
    guard withCounts else { return percent }
    return percent + " (" + NumberFormat.count(max(entry.removed, 0)) + " of "
      + NumberFormat.count(max(entry.identified, 0)) + ")"
  }

  private struct Heights {
    var legend: Double
    var axisTop: Double
    var plotTop: Double
    var plotBottom: Double
    var bottomAxis: Bool
    var total: Double
  }

  private func layoutHeights() -> Heights {
    let legend = referenceRate.flatMap { $0.isFinite ? $0 : nil } == nil ? 0 : Legend.rowHeight
    let axisTop = 4 + legend + (legend > 0 ? 4 : 0)
    let plotTop = axisTop + Style.fontSize + 10
    let hasApart = entries.contains { $0.isSetApart } && entries.contains { !$0.isSetApart }
    let plotBottom = plotTop + Double(entries.count) * Self.rowHeight + (hasApart ? Self.separation : 0)
    let bottomAxis = entries.count > Self.bottomAxisRows
    let total = plotBottom + (bottomAxis ? Style.fontSize + 14 : 6)
    return Heights(
      legend: legend, axisTop: axisTop, plotTop: plotTop, plotBottom: plotBottom, bottomAxis: bottomAxis,
      total: total)
  }

  private func draw(_ writer: inout SVGWriter, ids: ChartIDs, width: Double) {
    let rows = ranked
    let heights = layoutHeights()
    let fontSize = Style.fontSize

    // Names get what they need up to a cap, so a long name cannot squeeze the bars away.
    let cap = max(min(width * 0.38, 220), 40)
    let names = rows.map { TextMetrics.truncate($0.label, maxWidth: cap, fontSize: fontSize) }
    let nameWidth = names.map { TextMetrics.width($0.text, fontSize: fontSize) }.max() ?? 0
    let left = 4 + nameWidth + 10
    // Counts go in the labels while the bars keep at least half the room right of the names (and
    // 120 units); otherwise only the rate, and the counts stay in the tooltips and the table.
    let rated = rows.filter { $0.drawableRate != nil }
    func valueWidth(withCounts: Bool) -> Double {
      rated.map { TextMetrics.width(Self.valueLabel($0, withCounts: withCounts), fontSize: fontSize) }.max()
        ?? TextMetrics.width("100%", fontSize: fontSize)
    }
    let room = width - left
    let withCounts = room - valueWidth(withCounts: true) - 16 >= max(room * 0.5, 120)
    // At least half of "100%" fits right of the scale, so the last tick label stays on the canvas.
    let reserve = max(valueWidth(withCounts: withCounts), TextMetrics.width("100%", fontSize: fontSize) / 2)
    let longest = max(width - left - reserve - 16, 20)
    let x = { (rate: Double) -> Double in left + rate * longest }

    let tickCount = min(max(Int(longest / 60) + 1, 3), 6)
    let scale = NiceScale.scale(min: 0, max: 100, maxCount: tickCount, minimumStep: 0)
    let hatchID = ids.id("apart")

    if rows.contains(where: { $0.isSetApart && $0.drawableRate != nil }) {
      writer.open("defs")
      writer.open(
        "pattern",
        [
          ("id", hatchID), ("class", "hatch set-apart"), ("patternUnits", "userSpaceOnUse"), ("width", "6"),
          ("height", "6"), ("patternTransform", "rotate(45)"),
        ])
      writer.leaf(
        "rect",
        [
          ("class", "hatch-fill"), ("width", "6"), ("height", "6"), ("fill", "currentColor"),
          ("fill-opacity", "0.12"),
        ])
      writer.leaf(
        "line",
        [
          ("class", "hatch-line"), ("x1", "1"), ("y1", "0"), ("x2", "1"), ("y2", "6"),
          ("stroke", "currentColor"),
          ("stroke-width", "1.5"), ("stroke-opacity", "0.55"),
        ])
      writer.close("pattern")
      writer.close("defs")
    }

    let reference = referenceRate.flatMap { $0.isFinite ? min(max($0, 0), 1) : nil }
    if let reference {
      let legend = Legend(
        items: [
          .init(
            label: referenceName + ": " + NumberFormat.percent(reference), swatch: .rule,
            cssClass: "reference")
        ], maxWidth: width - 8)
      legend.draw(&writer, x: 4, y: 4)
    }

    // Grid lines at the ticks, then the percentage labels above (and below) the bars.
    writer.open(
      "g", [("class", "grid"), ("stroke", "currentColor"), ("stroke-opacity", Style.gridOpacity)])
    for tick in scale.ticks where tick > 0 {
      let gx = NumberFormat.coordinate(x(tick / 100))
      writer.leaf(
        "line",
        [
          ("x1", gx), ("x2", gx), ("y1", NumberFormat.coordinate(heights.plotTop - 2)),
          ("y2", NumberFormat.coordinate(heights.plotBottom)),
        ])
    }
    writer.close("g")
    let axisLabels = Draw.fitAxisLabels(
      zip(scale.ticks, scale.labels).map { .init(position: x($0.0 / 100), text: $0.1 + "%", full: nil) },
      canvasWidth: width)
    writeAxisLabels(&writer, axisLabels, y: heights.axisTop, cssClass: "tick-labels x-axis top")
    if heights.bottomAxis {
      writeAxisLabels(&writer, axisLabels, y: heights.plotBottom + 6, cssClass: "tick-labels x-axis bottom")
    }

    // Rows: where each sits, with the separation before the first row set apart.
    var middles: [Double] = []
    var y = heights.plotTop
    var separatorY: Double?
    for (index, row) in rows.enumerated() {
      if row.isSetApart, index > 0, !rows[index - 1].isSetApart {
        separatorY = y + Self.separation / 2
        y += Self.separation
      }
      middles.append(y + Self.rowHeight / 2)
      y += Self.rowHeight
    }
    if let separatorY {
      let sy = NumberFormat.coordinate(separatorY)
      writer.leaf(
        "line",
        [
          ("class", "separator"), ("x1", "4"), ("x2", NumberFormat.coordinate(width - 4)), ("y1", sy),
          ("y2", sy), ("stroke", "currentColor"), ("stroke-opacity", "0.35"),
        ])
    }

    writer.open("g", [("class", "bars"), ("fill", Palette.blue)])
    for (index, row) in rows.enumerated() {
      guard let rate = row.drawableRate else { continue }
      var attributes: Attributes = [
        ("class", row.isSetApart ? "bar set-apart" : "bar"), ("x", NumberFormat.coordinate(left)),
        ("y", NumberFormat.coordinate(middles[index] - Self.barThickness / 2)),
        ("width", NumberFormat.coordinate(Self.barLength(rate, longest: longest))),
        ("height", NumberFormat.coordinate(Self.barThickness)),
      ]
      if row.isSetApart {
        attributes += [
          ("fill", "url(#" + hatchID + ")"), ("stroke", "currentColor"), ("stroke-opacity", "0.7"),
          ("stroke-dasharray", "3 2"),
        ]
      }
      writer.leaf(
        "rect", attributes,
        tooltip: row.label + ", " + valueName + ": " + Self.valueLabel(row, withCounts: true))
    }
    writer.close("g")

    // Over the bars, under the value labels, whose halo interrupts it.
    if let reference {
      let rx = NumberFormat.coordinate(x(reference))
      writer.leaf(
        "line",
        [
          ("class", "reference"), ("x1", rx), ("x2", rx),
          ("y1", NumberFormat.coordinate(heights.plotTop - 4)),
          ("y2", NumberFormat.coordinate(heights.plotBottom)), ("stroke", "currentColor"),
          ("stroke-width", "1.5"), ("stroke-dasharray", "4 3"),
        ], tooltip: referenceName + ", " + valueName + ": " + NumberFormat.percent(reference))
    }
    writer.open("g", [("class", "bar-labels"), ("text-anchor", "end"), ("fill", "currentColor")])
    for (index, name) in names.enumerated() {
      var attributes: Attributes = [
        ("x", NumberFormat.coordinate(left - 8)), ("y", NumberFormat.coordinate(middles[index])),
        ("dy", "0.35em"),
      ]
      if rows[index].isSetApart {
        attributes = [("class", "set-apart")] + attributes + [("font-style", "italic")]
      }
      writer.text(attributes, name.text, tooltip: name.truncated ? rows[index].label : nil)
    }
    writer.close("g")

    // A halo in the background colour under each value label keeps it readable where the
    // reference rule or a grid line runs through it: the same texts stroked wide, drawn first
    // (SVG 1.1 has no paint-order). A page stylesheet recolours it through the class `halo`.
    let values: [(attributes: Attributes, text: String)] = rows.enumerated().map { index, row in
      let length = row.drawableRate.map { Self.barLength($0, longest: longest) } ?? 0
      let attributes: Attributes = [
        ("x", NumberFormat.coordinate(left + length + 6)), ("y", NumberFormat.coordinate(middles[index])),
        ("dy", "0.35em"),
      ]
      return (attributes, Self.valueLabel(row, withCounts: withCounts))
    }
    writer.open(
      "g",
      [
        ("class", "halo"), ("fill", "none"), ("stroke", "#FFFFFF"), ("stroke-width", "4"),
        ("stroke-linejoin", "round"),
      ])
    for (index, value) in values.enumerated() {
      let style: Attributes = rows[index].drawableRate == nil ? [("font-style", "italic")] : []
      writer.text(value.attributes + style, value.text)
    }
    writer.close("g")
    writer.open("g", [("class", "value-labels"), ("fill", "currentColor")])
    for (index, value) in values.enumerated() {
      if rows[index].drawableRate == nil {
        writer.text(
          [("class", "no-rate")] + value.attributes + [("fill-opacity", "0.75"), ("font-style", "italic")],
          value.text)
      } else {
        writer.text(value.attributes, value.text)
      }
    }
    writer.close("g")

    let axis = NumberFormat.coordinate(left)
    writer.leaf(
      "line",
      [
        ("class", "axis baseline"), ("x1", axis), ("x2", axis),
        ("y1", NumberFormat.coordinate(heights.plotTop - 2)),
        ("y2", NumberFormat.coordinate(heights.plotBottom)), ("stroke", "currentColor"),
        ("stroke-opacity", "0.6"),
      ])

  }

  private func writeAxisLabels(
    _ writer: inout SVGWriter, _ labels: [Draw.AxisLabel], y: Double, cssClass: String
  ) {
    writer.open("g", [("class", cssClass), ("text-anchor", "middle"), ("fill", "currentColor")])
    for label in labels {
      writer.text(
        [("x", NumberFormat.coordinate(label.center)), ("y", NumberFormat.coordinate(y)), ("dy", "0.71em")],
        label.text)
    }
    writer.close("g")
  }

  /// Length of a bar of `rate` (0…1): proportional to the full scale, at least 2 when not zero
  /// (so 0.1 % still differs from none).
  static func barLength(_ rate: Double, longest: Double) -> Double {
    guard rate > 0 else { return 0 }
    return max(rate * longest, 2)
  }
}

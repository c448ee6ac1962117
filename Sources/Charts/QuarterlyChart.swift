/// One quarter's figures for `QuarterlyChart`.
public struct QuarterPoint: Sendable, Equatable {
  /// The quarter's label, such as `2026-Q3`, shown under its bars.
  public var label: String
  /// Unused permissions identified in the quarter (negative values count as 0).
  public var identified: Int
  /// Unused permissions removed in the quarter (negative values count as 0).
  public var removed: Int
  /// The reduction rate, removed / identified, from 0 to 1 (clamped to that range; a NaN or
  /// infinite rate leaves the rate line broken at this quarter).
  public var rate: Double
  /// False for a quarter without any snapshot: it is drawn as a visible gap, not as zeros.
  public var hasData: Bool

  /// A quarter with the given figures.
  public init(label: String, identified: Int, removed: Int, rate: Double, hasData: Bool = true) {
    self.label = label
    self.identified = identified
    self.removed = removed
    self.rate = rate
    self.hasData = hasData
  }

  /// A quarter without snapshots, drawn as a gap.
  public static func noData(label: String) -> QuarterPoint {
    QuarterPoint(label: label, identified: 0, removed: 0, rate: 0, hasData: false)
  }
}

/// Unused permissions identified and removed per quarter as grouped bars, with the reduction
/// rate as a dashed line with markers on a secondary 0–100 % axis.
///
/// Identified bars are solid; removed bars are hatched, so the two differ without colour. A
/// quarter without data is a pale band marked "no data", with no bars and the rate line broken
/// there. When there are too many quarters for every label, labels such as `2026-Q3` are split in
/// two lines (`Q3` under each quarter, the year below where it changes) if that fits every
/// quarter, and otherwise thinned so they never overlap, always keeping the latest quarter. Every bar and marker carries a `<title>` with its
/// exact figure for hover. Non-zero counts are drawn at least 2 units tall so that a small value
/// next to a huge one still differs from zero.
public struct QuarterlyChart: Sendable, Equatable {
  /// The quarters, oldest first, drawn left to right in this order.
  public var points: [QuarterPoint]
  /// Intrinsic width in viewBox units (the chart scales to its container).
  public var width: Double
  /// Intrinsic height in viewBox units.
  public var height: Double
  /// Name of the identified series, for the legend, tooltips and table.
  public var identifiedName: String
  /// Name of the removed series.
  public var removedName: String
  /// Name of the reduction rate.
  public var rateName: String

  /// A chart of `points`; sizes below 240 × 160 are raised to that.
  public init(
    points: [QuarterPoint], width: Double = 600, height: Double = 300, identifiedName: String = "Identified",
    removedName: String = "Removed", rateName: String = "Reduction rate"
  ) {
    self.points = points
    self.width = width
    self.height = height
    self.identifiedName = identifiedName
    self.removedName = removedName
    self.rateName = rateName
  }

  /// The complete `<svg>` element. `title` becomes the first child `<title>`, `description` the
  /// `<desc>` (omitted when empty), and `idPrefix` prefixes every id so that several charts can
  /// be inline in one page.
  public func svg(title: String, description: String, idPrefix: String, embedding: SVGEmbedding = .inline)
    -> String
  {
    let width = Draw.dimension(width, fallback: 600, minimum: 240)
    let height = Draw.dimension(height, fallback: 300, minimum: 160)
    return ChartDocument.svg(
      width: width, height: height, classes: "chart chart-quarterly", title: title, description: description,
      idPrefix: idPrefix, embedding: embedding
    ) { writer, ids in
      if points.contains(where: \.hasData) {
        draw(&writer, ids: ids, width: width, height: height)
      } else {
        Draw.emptyState(&writer, width: width, height: height)
      }
    }
  }

  /// The same figures as a table: Quarter, identified, removed, rate; a quarter without data
  /// reads `no data` in each figure column.
  public func table(caption: String) -> ChartTable {
    let rows = points.map { point -> [String] in
      guard point.hasData else { return [point.label, "no data", "no data", "no data"] }
      let rate = Self.rate(point).map(NumberFormat.percent) ?? "no data"
      return [
        point.label, NumberFormat.count(max(point.identified, 0)), NumberFormat.count(max(point.removed, 0)),
        rate,
      ]
    }
    return ChartTable(
      caption: caption, header: ["Quarter", identifiedName, removedName, rateName], rows: rows,
      numericColumns: [false, true, true, true])
  }

  /// The rate clamped to 0…1, or nil when it cannot be drawn.
  private static func rate(_ point: QuarterPoint) -> Double? {
    guard point.hasData, point.rate.isFinite else { return nil }
    return min(max(point.rate, 0), 1)
  }

  private func draw(_ writer: inout SVGWriter, ids: ChartIDs, width: Double, height: Double) {
    let hatchID = ids.id("hatch")
    let hasGap = points.contains { !$0.hasData }
    var items: [Legend.Item] = [
      .init(label: identifiedName, swatch: .fill(Palette.blue), cssClass: "identified"),
      .init(label: removedName, swatch: .fill("url(#" + hatchID + ")"), cssClass: "removed"),
      .init(
        label: rateName + " (right axis)", swatch: .line(color: Palette.vermillion, dashed: true),
        cssClass: "rate"),
    ]
    if hasGap { items.append(.init(label: "No data", swatch: .band, cssClass: "gap")) }
    let legend = Legend(items: items, maxWidth: width - 8)

    let top = 4 + legend.height + 12
    let largest = points.filter(\.hasData).map { max($0.identified, $0.removed, 0) }.max() ?? 0
    // The plot with room for one line of labels under it, or two when the labels are split.
    func layout(labelLines: Int) -> (plot: Box, counts: NiceScale.Scale, rates: NiceScale.Scale) {
      let bottom = height - Double(labelLines) * (Style.fontSize + 2) - 10
      let plotHeight = bottom - top
      // About one tick per 40 units of height keeps labels apart without a sparse axis.
      let tickCount = min(max(Int(plotHeight / 40) + 1, 3), 6)
      let counts = NiceScale.scale(min: 0, max: Double(largest), maxCount: tickCount, minimumStep: 1)
      let rates = NiceScale.scale(min: 0, max: 100, maxCount: tickCount, minimumStep: 0)
      let left = max(Draw.labelWidth(counts) + 10, 24)
      let right = width - Draw.labelWidth(rates, suffix: "%") - 10
      return (Box(x: left, y: top, width: max(right - left, 20), height: plotHeight), counts, rates)
    }
    var (plot, counts, rates) = layout(labelLines: 1)
    let split = Self.splitLabels(points.map(\.label), slot: plot.width / Double(points.count))
    if split != nil { (plot, counts, rates) = layout(labelLines: 2) }
    let slot = plot.width / Double(points.count)

    writer.open("defs")
    writer.open(
      "pattern",
      [
        ("id", hatchID), ("class", "hatch removed"), ("patternUnits", "userSpaceOnUse"), ("width", "5"),
        ("height", "5"), ("patternTransform", "rotate(45)"),
      ])
    writer.leaf("rect", [("class", "hatch-fill"), ("width", "5"), ("height", "5"), ("fill", Palette.green)])
    writer.leaf(
      "line",
      [
        ("class", "hatch-line"), ("x1", "1"), ("y1", "0"), ("x2", "1"), ("y2", "5"), ("stroke", "#FFFFFF"),
        ("stroke-width", "1.5"), ("stroke-opacity", "0.75"),
      ])
    writer.close("pattern")
    writer.close("defs")

    legend.draw(&writer, x: 4, y: 4)
    Draw.valueAxis(&writer, scale: counts, plot: plot)
    drawRateAxis(&writer, scale: rates, plot: plot)
    drawGaps(&writer, plot: plot, slot: slot)
    drawBars(&writer, scale: counts, plot: plot, slot: slot, hatchID: hatchID)
    drawRate(&writer, plot: plot, slot: slot)
    if let split {
      drawSplitLabels(&writer, split, plot: plot, slot: slot, canvasWidth: width)
    } else {
      drawLabels(&writer, plot: plot, slot: slot, canvasWidth: width)
    }
  }

  private func drawRateAxis(_ writer: inout SVGWriter, scale: NiceScale.Scale, plot: Box) {
    // In the text colour, not the line's: vermillion on white is below the 4.5:1 contrast small
    // text needs. The `%` and the legend's "(right axis)" tie these labels to the rate.
    writer.open(
      "g", [("class", "tick-labels y-axis-right"), ("text-anchor", "start"), ("fill", "currentColor")])
    for (tick, label) in zip(scale.ticks, scale.labels) {
      writer.text(
        [
          ("x", NumberFormat.coordinate(plot.right + 6)),
          ("y", NumberFormat.coordinate(Draw.y(tick, scale: scale, plot: plot))), ("dy", "0.35em"),
        ], label + "%")
    }
    writer.close("g")
  }

  private func drawGaps(_ writer: inout SVGWriter, plot: Box, slot: Double) {
    let noteWidth = TextMetrics.width("no data", fontSize: Style.smallFontSize)
    // The note is written vertically; it only goes in when the band is wide and tall enough.
    let showNote = slot >= Style.smallFontSize + 2 && plot.height >= noteWidth + 8
    for (index, point) in points.enumerated() where !point.hasData {
      let x = plot.x + slot * Double(index)
      writer.leaf(
        "rect",
        [
          ("class", "band gap"), ("x", NumberFormat.coordinate(x + min(1, slot * 0.1))),
          ("y", NumberFormat.coordinate(plot.y)),
          ("width", NumberFormat.coordinate(max(slot - 2 * min(1, slot * 0.1), 0))),
          ("height", NumberFormat.coordinate(plot.height)), ("fill", "currentColor"),
          ("fill-opacity", "0.07"),
        ], tooltip: point.label + ": no data")
      if showNote {
        let cx = NumberFormat.coordinate(x + slot / 2)
        let cy = NumberFormat.coordinate(plot.y + plot.height / 2)
        writer.text(
          [
            ("class", "gap-label"), ("x", cx), ("y", cy), ("dy", "0.35em"), ("text-anchor", "middle"),
            ("transform", "rotate(-90 " + cx + " " + cy + ")"),
            ("font-size", NumberFormat.coordinate(Style.smallFontSize)),
            ("fill", "currentColor"), ("fill-opacity", "0.7"),
          ], "no data")
      }
    }
  }

  private func drawBars(
    _ writer: inout SVGWriter, scale: NiceScale.Scale, plot: Box, slot: Double, hatchID: String
  ) {
    let barWidth = min(22, slot * 0.36)
    let innerGap = min(2, slot * 0.06)
    writer.open("g", [("class", "bars")])
    for (index, point) in points.enumerated() where point.hasData {
      let center = plot.x + slot * (Double(index) + 0.5)
      let series: [(value: Int, x: Double, cssClass: String, fill: String, name: String)] = [
        (
          max(point.identified, 0), center - innerGap / 2 - barWidth, "bar identified", Palette.blue,
          identifiedName
        ),
        (max(point.removed, 0), center + innerGap / 2, "bar removed", "url(#" + hatchID + ")", removedName),
      ]
      for bar in series {
        let height = Self.barHeight(bar.value, scale: scale, plot: plot)
        writer.leaf(
          "rect",
          [
            ("class", bar.cssClass), ("x", NumberFormat.coordinate(bar.x)),
            ("y", NumberFormat.coordinate(plot.bottom - height)),
            ("width", NumberFormat.coordinate(barWidth)),
            ("height", NumberFormat.coordinate(height)), ("fill", bar.fill),
          ], tooltip: point.label + ", " + bar.name + ": " + NumberFormat.count(bar.value))
      }
    }
    writer.close("g")
  }

  /// Height of a bar of `value`: proportional, but at least 2 when not zero, so a tiny count
  /// beside a huge outlier is still visibly different from none.
  static func barHeight(_ value: Int, scale: NiceScale.Scale, plot: Box) -> Double {
    guard value > 0, scale.upper > 0 else { return 0 }
    return max(Double(value) / scale.upper * plot.height, 2)
  }

  private func drawRate(_ writer: inout SVGWriter, plot: Box, slot: Double) {
    let positions: [(x: Double, y: Double, point: QuarterPoint, rate: Double)?] = points.enumerated().map {
      index, point in
      guard let rate = Self.rate(point) else { return nil }
      return (plot.x + slot * (Double(index) + 0.5), plot.bottom - rate * plot.height, point, rate)
    }
    // One path per run of consecutive quarters with a rate, so the line is broken at gaps
    // instead of bridging them as if the rate were known there.
    var runs: [[(x: Double, y: Double)]] = [[]]
    for position in positions {
      if let position {
        runs[runs.count - 1].append((position.x, position.y))
      } else if !(runs.last?.isEmpty ?? true) {
        runs.append([])
      }
    }
    writer.open("g", [("class", "rate")])
    for run in runs where run.count > 1 {
      let path = Draw.path(run)
      writer.leaf(
        "path",
        [
          ("class", "rate-line"), ("d", path), ("fill", "none"), ("stroke", Palette.vermillion),
          ("stroke-width", "2"),
          ("stroke-dasharray", "6 3"), ("stroke-linejoin", "round"),
        ])
    }
    let radius = min(3.5, max(slot * 0.3, 2))
    for case let position? in positions {
      writer.leaf(
        "circle",
        [
          ("class", "rate-point"), ("cx", NumberFormat.coordinate(position.x)),
          ("cy", NumberFormat.coordinate(position.y)), ("r", NumberFormat.coordinate(radius)),
          ("fill", Palette.vermillion),
        ], tooltip: position.point.label + ", " + rateName + ": " + NumberFormat.percent(position.rate))
    }
    writer.close("g")
  }

  private func drawLabels(_ writer: inout SVGWriter, plot: Box, slot: Double, canvasWidth: Double) {
    // Labels longer than about 15 characters are cut; the full text stays in a tooltip.
    let cap = 110.0
    let fitted = points.map { TextMetrics.truncate($0.label, maxWidth: cap, fontSize: Style.fontSize) }
    let widest = fitted.map { TextMetrics.width($0.text, fontSize: Style.fontSize) }.max() ?? 0
    // Show every k-th label counting back from the latest quarter, with k chosen so neighbours
    // keep at least 8 units apart.
    let every = max(1, Int(((widest + 8) / slot).rounded(.up)))
    var labels: [Draw.AxisLabel] = []
    for (index, label) in fitted.enumerated() where (points.count - 1 - index) % every == 0 {
      labels.append(
        .init(
          position: plot.x + slot * (Double(index) + 0.5), text: label.text,
          full: label.truncated ? points[index].label : nil))
    }
    labels = Draw.fitAxisLabels(labels, canvasWidth: canvasWidth)
    Draw.xAxis(&writer, labels, plotBottom: plot.bottom)
  }

  /// Labels such as `2026-Q3` split at their last `-` into the part that changes from quarter to
  /// quarter (`Q3`, under the bars) and the part that groups them (`2026`, a line below, written
  /// where it changes), when the whole labels would have to be thinned to fit `slot` and the
  /// short parts fit every quarter; nil otherwise.
  static func splitLabels(_ labels: [String], slot: Double) -> [(short: String, group: String)]? {
    let whole = labels.map { TextMetrics.width($0, fontSize: Style.fontSize) }.max() ?? 0
    guard whole + 8 > slot else { return nil }
    var parts: [(short: String, group: String)] = []
    for label in labels {
      guard let dash = label.lastIndex(of: "-") else { return nil }
      let group = String(label[..<dash])
      let short = String(label[label.index(after: dash)...])
      guard !group.isEmpty, !short.isEmpty else { return nil }
      parts.append((short, group))
    }
    let widest = parts.map { TextMetrics.width($0.short, fontSize: Style.fontSize) }.max() ?? 0
    return widest + 8 <= slot ? parts : nil
  }

  private func drawSplitLabels(
    _ writer: inout SVGWriter, _ parts: [(short: String, group: String)], plot: Box, slot: Double,
    canvasWidth: Double
  ) {
    var shortLabels: [Draw.AxisLabel] = []
    var groupLabels: [Draw.AxisLabel] = []
    for (index, part) in parts.enumerated() {
      let position = plot.x + slot * (Double(index) + 0.5)
      shortLabels.append(.init(position: position, text: part.short, full: points[index].label))
      if index == 0 || parts[index - 1].group != part.group {
        let (text, truncated) = TextMetrics.truncate(part.group, maxWidth: 110, fontSize: Style.fontSize)
        groupLabels.append(.init(position: position, text: text, full: truncated ? part.group : nil))
      }
    }
    Draw.xAxis(&writer, Draw.fitAxisLabels(shortLabels, canvasWidth: canvasWidth), plotBottom: plot.bottom)
    // The group (the year) under the first quarter of each run; later ones win when crowded.
    let groups = Draw.fitAxisLabels(groupLabels, canvasWidth: canvasWidth)
    writer.open(
      "g",
      [("class", "tick-labels x-axis group-labels"), ("text-anchor", "middle"), ("fill", "currentColor")])
    for label in groups {
      writer.text(
        [
          ("x", NumberFormat.coordinate(label.center)),
          ("y", NumberFormat.coordinate(plot.bottom + 8 + Style.fontSize)), ("dy", "0.71em"),
        ], label.text, tooltip: label.full)
    }
    writer.close("g")
  }
}

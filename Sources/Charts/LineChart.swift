/// One point of a `LineChart`.
public struct LinePoint: Sendable, Equatable {
  /// The point's name for tooltips and the table, such as the snapshot date `2026-11-22`.
  public var label: String
  /// Position in time as days since 1970-01-01, so that irregular snapshot spacing shows as it
  /// is.
  public var x: Int
  /// The value, such as the number of open unused permissions.
  public var value: Int

  /// A point with the given label, day and value.
  public init(label: String, x: Int, value: Int) {
    self.label = label
    self.x = x
    self.value = value
  }
}

/// A value over time, such as open unused permissions per snapshot.
///
/// The x axis is proportional to time (days), with month labels derived from the days and thinned
/// to fit; when the data spans less than two month boundaries the first and last points' own
/// labels are shown instead. The y axis starts at zero (or below, for negative values). The area
/// under the line is shaded, points get markers while there is room for them, the latest point is
/// always marked and its value written next to it.
public struct LineChart: Sendable, Equatable {
  /// The points, in any order; they are drawn in order of `x` (ties keep their order).
  public var points: [LinePoint]
  /// Intrinsic width in viewBox units.
  public var width: Double
  /// Intrinsic height in viewBox units.
  public var height: Double
  /// What the values are, for tooltips and the table heading.
  public var seriesName: String

  /// A chart of `points`; sizes below 240 × 140 are raised to that.
  public init(points: [LinePoint], width: Double = 600, height: Double = 260, seriesName: String = "Value") {
    self.points = points
    self.width = width
    self.height = height
    self.seriesName = seriesName
  }

  /// The complete `<svg>` element; see `QuarterlyChart.svg(title:description:idPrefix:embedding:)`.
  public func svg(title: String, description: String, idPrefix: String, embedding: SVGEmbedding = .inline)
    -> String
  {
    let width = Draw.dimension(width, fallback: 600, minimum: 240)
    let height = Draw.dimension(height, fallback: 260, minimum: 140)
    return ChartDocument.svg(
      width: width, height: height, classes: "chart chart-line", title: title, description: description,
      idPrefix: idPrefix, embedding: embedding
    ) { writer, _ in
      if points.isEmpty {
        Draw.emptyState(&writer, width: width, height: height)
      } else {
        draw(&writer, width: width, height: height)
      }
    }
  }

  /// The same figures as a table: Date (the points' labels) and `seriesName`, in time order.
  public func table(caption: String) -> ChartTable {
    ChartTable(
      caption: caption, header: ["Date", seriesName],
      rows: sortedPoints.map { [$0.label, NumberFormat.count($0.value)] }, numericColumns: [false, true])
  }

  /// The points in drawing order: by day, ties in input order.
  private var sortedPoints: [LinePoint] {
    points.enumerated().sorted { ($0.element.x, $0.offset) < ($1.element.x, $1.offset) }.map(\.element)
  }

  private func draw(_ writer: inout SVGWriter, width: Double, height: Double) {
    let points = sortedPoints
    guard let first = points.first, let last = points.last else { return }
    let top = 12.0
    let bottom = height - Style.fontSize - 12
    let plotHeight = bottom - top
    let tickCount = min(max(Int(plotHeight / 40) + 1, 3), 6)
    let values = points.map(\.value)
    let scale = NiceScale.scale(
      min: Double(min(values.min() ?? 0, 0)), max: Double(values.max() ?? 0), maxCount: tickCount,
      minimumStep: 1)
    let lastLabel = NumberFormat.count(last.value)
    let left = max(Draw.labelWidth(scale) + 10, 24)
    let right = width - TextMetrics.width(lastLabel, fontSize: Style.fontSize) - 14
    let plot = Box(x: left, y: top, width: max(right - left, 20), height: plotHeight)

    let span = Double(last.x) - Double(first.x)
    let xPosition = { (point: LinePoint) -> Double in
      // A single day (one point, or all on one day) sits in the middle of the plot.
      span > 0 ? plot.x + (Double(point.x) - Double(first.x)) / span * plot.width : plot.x + plot.width / 2
    }
    let coordinates = points.map { (x: xPosition($0), y: Draw.y(Double($0.value), scale: scale, plot: plot)) }

    Draw.valueAxis(&writer, scale: scale, plot: plot)
    drawTimeAxis(&writer, points: points, plot: plot, canvasWidth: width, xPosition: xPosition)

    let baseline = NumberFormat.coordinate(
      Draw.y(min(max(0, scale.lower), scale.upper), scale: scale, plot: plot))
    let line = Draw.path(coordinates)
    if coordinates.count > 1, let firstX = coordinates.first?.x, let lastX = coordinates.last?.x {
      let area =
        "M" + NumberFormat.coordinate(firstX) + " " + baseline + " " + line.replacingFirstMove()
        + " L" + NumberFormat.coordinate(lastX) + " " + baseline + " Z"
      writer.leaf("path", [("class", "area"), ("d", area), ("fill", Palette.blue), ("fill-opacity", "0.12")])
      writer.leaf(
        "path",
        [
          ("class", "line"), ("d", line), ("fill", "none"), ("stroke", Palette.blue), ("stroke-width", "2"),
          ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
        ])
    }
    // Markers while they stay at least about 8 units apart on average; beyond that they would
    // merge into a thick line, so only the latest point is marked.
    let markAll = Double(points.count) <= plot.width / 8
    writer.open("g", [("class", "points"), ("fill", Palette.blue)])
    for (index, point) in points.enumerated() where markAll || index == points.count - 1 {
      writer.leaf(
        "circle",
        [
          ("class", index == points.count - 1 ? "point latest" : "point"),
          ("cx", NumberFormat.coordinate(coordinates[index].x)),
          ("cy", NumberFormat.coordinate(coordinates[index].y)),
          ("r", index == points.count - 1 ? "4" : "3"),
        ], tooltip: point.label + ", " + seriesName + ": " + NumberFormat.count(point.value))
    }
    writer.close("g")
    if let end = coordinates.last {
      writer.text(
        [
          ("class", "value-label"), ("x", NumberFormat.coordinate(end.x + 7)),
          ("y", NumberFormat.coordinate(end.y)),
          ("dy", "0.35em"), ("font-weight", "600"), ("fill", "currentColor"),
        ], lastLabel)
    }
  }

  private func drawTimeAxis(
    _ writer: inout SVGWriter, points: [LinePoint], plot: Box, canvasWidth: Double,
    xPosition: (LinePoint) -> Double
  ) {
    guard let first = points.first, let last = points.last else { return }
    var labels = Self.monthLabels(from: first.x, to: last.x, plot: plot)
    if labels.count < 2 {
      // Less than two month boundaries in range: the first and last points' own labels (such as
      // snapshot dates) say more than a lone month name.
      labels = []
      for point in first.x == last.x ? [last] : [first, last] {
        let (text, truncated) = TextMetrics.truncate(point.label, maxWidth: 110, fontSize: Style.fontSize)
        labels.append(.init(position: xPosition(point), text: text, full: truncated ? point.label : nil))
      }
    }
    labels = Draw.fitAxisLabels(labels, canvasWidth: canvasWidth)
    Draw.xAxis(&writer, labels, plotBottom: plot.bottom)
  }

  /// Labels at the first days of months between `start` and `end` (days since 1970-01-01),
  /// every 1, 2, 3, 6 or 12 months or more, the smallest step whose labels do not crowd. Labels
  /// read `Jan 2026` on the first label and in January, the month alone otherwise, and just the
  /// year once steps are a year or longer.
  static func monthLabels(from start: Int, to end: Int, plot: Box) -> [Draw.AxisLabel] {
    // Far-off or very long ranges are not time series of snapshots; skip month ticks for them
    // rather than walk thousands of months.
    guard start < end, abs(start) < 3_000_000, abs(end) < 3_000_000, end - start < 200 * 366 else {
      return []
    }
    var months: [(index: Int, day: Int)] = []
    let (startYear, startMonth, startDay) = CivilDate.date(days: start)
    var monthIndex = startYear * 12 + startMonth - 1 + (startDay > 1 ? 1 : 0)
    while true {
      let year = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
      let day = CivilDate.days(year: year, month: monthIndex - year * 12 + 1, day: 1)
      if day > end { break }
      months.append((monthIndex, day))
      monthIndex += 1
    }
    let span = Double(end - start)
    for step in [1, 2, 3, 6, 12, 24, 60, 120, 240, 600] {
      let chosen = months.filter { ($0.index % step + step) % step == 0 }
      var labels: [Draw.AxisLabel] = []
      for (position, month) in chosen.enumerated() {
        let year = month.index >= 0 ? month.index / 12 : (month.index - 11) / 12
        let monthNumber = month.index - year * 12 + 1
        let yearText = String(year)
        let text: String
        if step >= 12 {
          text = yearText
        } else if position == 0 || monthNumber == 1 {
          text = CivilDate.monthNames[monthNumber - 1] + " " + yearText
        } else {
          text = CivilDate.monthNames[monthNumber - 1]
        }
        let x = plot.x + Double(month.day - start) / span * plot.width
        labels.append(.init(position: x, text: text, full: nil))
      }
      let crowded = zip(labels, labels.dropFirst()).contains { left, right in
        let room =
          (TextMetrics.width(left.text, fontSize: Style.fontSize)
            + TextMetrics.width(right.text, fontSize: Style.fontSize)) / 2 + 10
        return right.position - left.position < room
      }
      if !crowded { return labels }
    }
    return []
  }
}

extension String {
  /// The path with its leading `M` turned into `L`, to continue another path with it.
  fileprivate func replacingFirstMove() -> String {
    hasPrefix("M") ? "L" + dropFirst() : self
  }
}

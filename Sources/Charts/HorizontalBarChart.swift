/// One bar of a `HorizontalBarChart`.
public struct BarItem: Sendable, Equatable {
  /// The bar's name, such as a service namespace (`ec2`) or `Other`.
  public var label: String
  /// The bar's value (negative values count as 0).
  public var value: Int

  /// A bar with the given name and value.
  public init(label: String, value: Int) {
    self.label = label
    self.value = value
  }
}

/// Labelled horizontal bars, such as unused permissions by service, each with its value and
/// share written at the bar's end.
///
/// Bars are drawn in the given order (sort them first). The label column is as wide as the
/// longest label up to a cap (35 % of the width, at most 200 units); longer labels are cut with
/// `…` and keep their full text in a `<title>`. The height grows with the number of bars
/// (`height`), 24 units a bar.
public struct HorizontalBarChart: Sendable, Equatable {
  /// The bars, top to bottom.
  public var items: [BarItem]
  /// The denominator for the percentages; nil means the sum of the values.
  public var total: Int?
  /// Intrinsic width in viewBox units (at least 240).
  public var width: Double
  /// Heading of the label column in the table, such as `Service`.
  public var categoryName: String
  /// What the values are, for tooltips and the table heading.
  public var valueName: String

  /// A chart of `items`.
  public init(
    items: [BarItem], total: Int? = nil, width: Double = 600, categoryName: String = "Category",
    valueName: String = "Value"
  ) {
    self.items = items
    self.total = total
    self.width = width
    self.categoryName = categoryName
    self.valueName = valueName
  }

  private static let rowHeight = 24.0
  private static let barThickness = 16.0
  private static let padding = 6.0

  /// Intrinsic height in viewBox units: 24 per bar plus padding, or 80 with no bars.
  public var height: Double {
    items.isEmpty ? 80 : Double(items.count) * Self.rowHeight + 2 * Self.padding
  }

  /// The complete `<svg>` element; see `QuarterlyChart.svg(title:description:idPrefix:embedding:)`.
  public func svg(title: String, description: String, idPrefix: String, embedding: SVGEmbedding = .inline)
    -> String
  {
    let width = Draw.dimension(width, fallback: 600, minimum: 240)
    return ChartDocument.svg(
      width: width, height: height, classes: "chart chart-hbar", title: title, description: description,
      idPrefix: idPrefix, embedding: embedding
    ) { writer, _ in
      if items.isEmpty {
        Draw.emptyState(&writer, width: width, height: height)
      } else {
        draw(&writer, width: width)
      }
    }
  }

  /// The same figures as a table: `categoryName`, `valueName` and Share, in bar order.
  public func table(caption: String) -> ChartTable {
    ChartTable(
      caption: caption, header: [categoryName, valueName, "Share"],
      rows: items.map { [$0.label, NumberFormat.count(max($0.value, 0)), NumberFormat.percent(share($0))] },
      numericColumns: [false, true, true])
  }

  /// The item's share of `total` (or of the sum), 0 when the denominator is not positive.
  private func share(_ item: BarItem) -> Double {
    // Summed as Doubles: a sum of many large Ints could overflow and trap.
    let denominator = total.map(Double.init) ?? items.reduce(0.0) { $0 + Double(max($1.value, 0)) }
    guard denominator > 0 else { return 0 }
    return Double(max(item.value, 0)) / denominator
  }

  private func draw(_ writer: inout SVGWriter, width: Double) {
    let valueLabels = items.map {
      NumberFormat.count(max($0.value, 0)) + " (" + NumberFormat.percent(share($0)) + ")"
    }
    let valueWidth = valueLabels.map { TextMetrics.width($0, fontSize: Style.fontSize) }.max() ?? 0
    // The label column gets what it needs up to a cap, but always leaves bars at least 60 units.
    let cap = max(min(width * 0.35, 200, width - valueWidth - 12 - 60 - 14), 24)
    let fitted = items.map { TextMetrics.truncate($0.label, maxWidth: cap, fontSize: Style.fontSize) }
    let labelWidth = fitted.map { TextMetrics.width($0.text, fontSize: Style.fontSize) }.max() ?? 0
    let left = 4 + labelWidth + 10
    let longest = max(width - left - valueWidth - 10, 1)
    let largest = items.map { max($0.value, 0) }.max() ?? 0

    writer.open("g", [("class", "bars"), ("fill", Palette.blue)])
    for (index, item) in items.enumerated() {
      let value = max(item.value, 0)
      let length = Self.barLength(value, largest: largest, longest: longest)
      let y = Self.padding + Double(index) * Self.rowHeight + (Self.rowHeight - Self.barThickness) / 2
      writer.leaf(
        "rect",
        [
          ("class", "bar"), ("x", NumberFormat.coordinate(left)), ("y", NumberFormat.coordinate(y)),
          ("width", NumberFormat.coordinate(length)), ("height", NumberFormat.coordinate(Self.barThickness)),
        ], tooltip: item.label + ", " + valueName + ": " + valueLabels[index])
    }
    writer.close("g")
    writer.open("g", [("class", "bar-labels"), ("text-anchor", "end"), ("fill", "currentColor")])
    for (index, label) in fitted.enumerated() {
      writer.text(
        [
          ("x", NumberFormat.coordinate(left - 8)), ("y", NumberFormat.coordinate(rowMiddle(index))),
          ("dy", "0.35em"),
        ],
        label.text, tooltip: label.truncated ? items[index].label : nil)
    }
    writer.close("g")
    writer.open("g", [("class", "value-labels"), ("fill", "currentColor")])
    for (index, item) in items.enumerated() {
      let length = Self.barLength(max(item.value, 0), largest: largest, longest: longest)
      writer.text(
        [
          ("x", NumberFormat.coordinate(left + length + 6)), ("y", NumberFormat.coordinate(rowMiddle(index))),
          ("dy", "0.35em"),
        ], valueLabels[index])
    }
    writer.close("g")
    let axis = NumberFormat.coordinate(left)
    writer.leaf(
      "line",
      [
        ("class", "axis baseline"), ("x1", axis), ("x2", axis), ("y1", NumberFormat.coordinate(Self.padding)),
        ("y2", NumberFormat.coordinate(height - Self.padding)), ("stroke", "currentColor"),
        ("stroke-opacity", "0.6"),
      ])
  }

  private func rowMiddle(_ index: Int) -> Double {
    Self.padding + (Double(index) + 0.5) * Self.rowHeight
  }

  /// Length of a bar: proportional to the largest bar, at least 2 when not zero (so a tiny value
  /// still differs from none).
  private static func barLength(_ value: Int, largest: Int, longest: Double) -> Double {
    guard value > 0, largest > 0 else { return 0 }
    return max(Double(value) / Double(largest) * longest, 2)
  }
}

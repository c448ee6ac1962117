/// A tiny line of a series, to sit inline in text or a table cell.
///
/// Unlike the other charts it has a fixed size (`width` and `height` attributes, 120 × 28 by
/// default) because it is meant to sit in a line of text. The line is drawn in `currentColor`,
/// the latest value gets a dot. Its `<title>` is the caller's; `summary` offers a ready one.
public struct Sparkline: Sendable, Equatable {
  /// The values, oldest first, evenly spaced.
  public var values: [Int]
  /// Width in pixels.
  public var width: Double
  /// Height in pixels.
  public var height: Double
  /// Whether the vertical scale starts at zero (true proportions, but in 28 pixels most series
  /// then look flat) rather than spanning lowest to highest value (the usual sparkline, which
  /// shows the direction of small changes clearly; the default).
  public var zeroBased: Bool

  /// A sparkline of `values`; sizes below 24 × 12 are raised to that.
  public init(values: [Int], width: Double = 120, height: Double = 28, zeroBased: Bool = false) {
    self.values = values
    self.width = width
    self.height = height
    self.zeroBased = zeroBased
  }

  /// A sentence describing the series for a title or description: `12 values from 1,200 to
  /// 1,150, lowest 1,100, highest 1,250`, or `No data yet`.
  public var summary: String {
    guard let first = values.first, let last = values.last, let low = values.min(), let high = values.max()
    else {
      return Style.emptyMessage
    }
    if values.count == 1 { return "1 value: " + NumberFormat.count(first) }
    return String(values.count) + " values from " + NumberFormat.count(first) + " to "
      + NumberFormat.count(last)
      + ", lowest " + NumberFormat.count(low) + ", highest " + NumberFormat.count(high)
  }

  /// The complete `<svg>` element with `width` and `height` attributes; `description` may be
  /// empty (no `<desc>` then).
  public func svg(
    title: String, description: String = "", idPrefix: String, embedding: SVGEmbedding = .inline
  )
    -> String
  {
    let width = Draw.dimension(width, fallback: 120, minimum: 24)
    let height = Draw.dimension(height, fallback: 28, minimum: 12)
    return ChartDocument.svg(
      width: width, height: height, classes: "sparkline", title: title, description: description,
      idPrefix: idPrefix, embedding: embedding, fixedSize: true
    ) { writer, _ in
      draw(&writer, width: width, height: height)
    }
  }

  /// The values as a table: Point (1, 2, …) and Value.
  public func table(caption: String) -> ChartTable {
    ChartTable(
      caption: caption, header: ["Point", "Value"],
      rows: values.enumerated().map { [String($0.offset + 1), NumberFormat.count($0.element)] },
      numericColumns: [true, true])
  }

  private func draw(_ writer: inout SVGWriter, width: Double, height: Double) {
    guard let low = values.min(), let high = values.max(), let last = values.last else {
      writer.text(
        [
          ("class", "empty-message"), ("x", NumberFormat.coordinate(width / 2)),
          ("y", NumberFormat.coordinate(height / 2)), ("dy", "0.35em"), ("text-anchor", "middle"),
          ("font-size", NumberFormat.coordinate(min(9, height * 0.6))), ("fill", "currentColor"),
          ("fill-opacity", "0.7"),
        ], Style.emptyMessage)
      return
    }
    // Room for the end dot (radius 2.5) and half the line width on every side.
    let inset = 3.0
    let lower = zeroBased ? Double(min(low, 0)) : Double(low)
    let upper = zeroBased ? Double(max(high, 0)) : Double(high)
    let y = { (value: Int) -> Double in
      // A flat series sits in the middle rather than on an edge.
      upper > lower
        ? height - inset - (Double(value) - lower) / (upper - lower) * (height - 2 * inset) : height / 2
    }
    let x = { (index: Int) -> Double in
      values.count > 1 ? inset + Double(index) / Double(values.count - 1) * (width - 2 * inset) : width / 2
    }
    if values.count > 1 {
      let path = Draw.path(values.indices.map { (x($0), y(values[$0])) })
      writer.leaf(
        "path",
        [
          ("class", "spark-line"), ("d", path), ("fill", "none"), ("stroke", "currentColor"),
          ("stroke-width", "1.5"),
          ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
        ])
    }
    writer.leaf(
      "circle",
      [
        ("class", "spark-latest"), ("cx", NumberFormat.coordinate(x(values.count - 1))),
        ("cy", NumberFormat.coordinate(y(last))), ("r", "2.5"), ("fill", Palette.vermillion),
      ])
  }
}

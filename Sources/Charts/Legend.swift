/// A legend of swatches and names laid out in rows that wrap within the chart's width.
///
/// Every swatch differs in more than colour (solid, hatched, dashed line with a marker, a pale
/// band), so the legend still works in greyscale print and for readers who cannot tell the
/// colours apart.
struct Legend {
  /// What the swatch in front of a name looks like.
  enum Swatch {
    /// A filled square; `fill` may be a colour or a pattern reference `url(#id)`.
    case fill(String)
    /// A short line, dashed or not, with a round marker in its middle.
    case line(color: String, dashed: Bool)
    /// A pale square in the text colour, the look of a gap quarter.
    case band
    /// A short dashed line in the text colour without a marker, the look of a reference rule.
    case rule
  }

  /// One entry: a swatch and a name.
  struct Item {
    var label: String
    var swatch: Swatch
    /// Class added to the entry's group, e.g. `identified`, for page stylesheets.
    var cssClass: String
  }

  private struct Placement {
    var item: Item
    var x: Double
    var row: Int
    var text: String
    var full: String?
  }

  /// Height of one row.
  static let rowHeight = 18.0
  private static let squareSize = 12.0
  private static let lineLength = 24.0
  private static let textGap = 5.0
  private static let itemGap = 16.0

  private let placements: [Placement]
  /// Number of rows the items wrapped into.
  let rowCount: Int

  /// Lays out `items` left to right, starting a new row when the next would pass `maxWidth`.
  init(items: [Item], maxWidth: Double) {
    var placements: [Placement] = []
    var x = 0.0
    var row = 0
    for item in items {
      let swatchWidth = Self.swatchWidth(item.swatch)
      let room = max(maxWidth - swatchWidth - Self.textGap, 12)
      let (text, truncated) = TextMetrics.truncate(item.label, maxWidth: room, fontSize: Style.fontSize)
      let itemWidth = swatchWidth + Self.textGap + TextMetrics.width(text, fontSize: Style.fontSize)
      if x > 0 && x + itemWidth > maxWidth {
        row += 1
        x = 0
      }
      placements.append(Placement(item: item, x: x, row: row, text: text, full: truncated ? item.label : nil))
      x += itemWidth + Self.itemGap
    }
    self.placements = placements
    self.rowCount = placements.isEmpty ? 0 : row + 1
  }

  /// The height the legend takes.
  var height: Double { Double(rowCount) * Self.rowHeight }

  /// Writes the legend with its top-left corner at (`x`, `y`).
  func draw(_ writer: inout SVGWriter, x originX: Double, y originY: Double) {
    writer.open("g", [("class", "legend")])
    for placement in placements {
      let x = originX + placement.x
      let middle = originY + (Double(placement.row) + 0.5) * Self.rowHeight
      writer.open("g", [("class", "legend-item " + placement.item.cssClass)])
      let square: Attributes = [
        ("x", NumberFormat.coordinate(x)), ("y", NumberFormat.coordinate(middle - Self.squareSize / 2)),
        ("width", NumberFormat.coordinate(Self.squareSize)),
        ("height", NumberFormat.coordinate(Self.squareSize)),
      ]
      switch placement.item.swatch {
      case .fill(let fill):
        writer.leaf("rect", [("class", "swatch " + placement.item.cssClass)] + square + [("fill", fill)])
      case .band:
        writer.leaf(
          "rect",
          [("class", "swatch " + placement.item.cssClass)] + square + [
            ("fill", "currentColor"), ("fill-opacity", "0.12"), ("stroke", "currentColor"),
            ("stroke-opacity", "0.3"), ("stroke-dasharray", "2 2"),
          ])
      case .line(let color, let dashed):
        let y = NumberFormat.coordinate(middle)
        var line: Attributes = [
          ("class", "swatch " + placement.item.cssClass), ("x1", NumberFormat.coordinate(x)),
          ("x2", NumberFormat.coordinate(x + Self.lineLength)), ("y1", y), ("y2", y), ("stroke", color),
          ("stroke-width", "2"),
        ]
        if dashed { line.append(("stroke-dasharray", "6 3")) }
        writer.leaf("line", line)
        writer.leaf(
          "circle",
          [
            ("class", "swatch-marker " + placement.item.cssClass),
            ("cx", NumberFormat.coordinate(x + Self.lineLength / 2)), ("cy", y), ("r", "3.5"),
            ("fill", color),
          ])
      case .rule:
        let y = NumberFormat.coordinate(middle)
        writer.leaf(
          "line",
          [
            ("class", "swatch " + placement.item.cssClass), ("x1", NumberFormat.coordinate(x)),
            ("x2", NumberFormat.coordinate(x + Self.lineLength)), ("y1", y), ("y2", y),
            ("stroke", "currentColor"), ("stroke-width", "1.5"), ("stroke-dasharray", "4 3"),
          ])
      }
      writer.text(
        [
          ("class", "legend-label"),
          ("x", NumberFormat.coordinate(x + Self.swatchWidth(placement.item.swatch) + Self.textGap)),
          ("y", NumberFormat.coordinate(middle)), ("dy", "0.35em"), ("fill", "currentColor"),
        ], placement.text, tooltip: placement.full)
      writer.close("g")
    }
    writer.close("g")
  }

  private static func swatchWidth(_ swatch: Swatch) -> Double {
    switch swatch {
    case .fill, .band: return squareSize
    case .line, .rule: return lineLength
    }
  }
}

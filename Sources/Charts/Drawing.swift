/// Colours from the Okabe-Ito palette, distinguishable with the common colour-vision
/// deficiencies. They are presentation attributes only: a page stylesheet can override every
/// one of them through the CSS classes the elements carry.
enum Palette {
  /// Identified bars, the line chart's line, horizontal bars.
  static let blue = "#0072B2"
  /// Removed bars (always drawn hatched as well, so the colour is not the only cue).
  static let green = "#009E73"
  /// The reduction-rate line and its markers.
  static let vermillion = "#D55E00"
}

/// Sizes shared by the charts, in viewBox units (pixels when a chart is shown at its intrinsic
/// width).
enum Style {
  /// Font stack on every chart root; label widths are estimated for a typical sans-serif.
  static let fontFamily = "system-ui, sans-serif"
  /// Tick labels, axis labels, legend.
  static let fontSize = 12.0
  /// Notes inside the plot, such as "no data" in a gap quarter.
  static let smallFontSize = 10.0
  /// Opacity of grid lines, drawn in `currentColor` so they follow the page's text colour.
  static let gridOpacity = "0.15"
  /// Message shown by a chart with nothing to draw.
  static let emptyMessage = "No data yet"
}

/// A rectangle in viewBox units.
struct Box {
  var x: Double
  var y: Double
  var width: Double
  var height: Double
  var right: Double { x + width }
  var bottom: Double { y + height }
}

/// The ids a chart uses, all derived from the caller's prefix so that several charts inline in
/// one page never collide.
struct ChartIDs {
  /// The sanitised prefix.
  let prefix: String
  /// The `<title>` element's id.
  var title: String { prefix + "-title" }
  /// The `<desc>` element's id.
  var description: String { prefix + "-desc" }
  /// Any other id, such as a pattern's.
  func id(_ suffix: String) -> String { prefix + "-" + suffix }
}

/// Writes the root element, `<title>` and `<desc>` that every chart shares, then the body.
enum ChartDocument {
  /// A complete `<svg>` element. `fixedSize` adds `width` and `height` attributes (sparklines,
  /// which sit inline in text); other charts are sized by their container through the viewBox.
  /// A standalone chart starts with an XML declaration and, unless it is fixed-size, draws a
  /// white background first.
  static func svg(
    width: Double, height: Double, classes: String, title: String, description: String, idPrefix: String,
    embedding: SVGEmbedding, fixedSize: Bool = false, body: (inout SVGWriter, ChartIDs) -> Void
  ) -> String {
    let ids = ChartIDs(prefix: XML.identifier(idPrefix))
    var attributes: Attributes = [
      ("xmlns", "http://www.w3.org/2000/svg"),
      ("viewBox", "0 0 " + NumberFormat.coordinate(width) + " " + NumberFormat.coordinate(height)),
    ]
    if fixedSize {
      attributes.append(("width", NumberFormat.coordinate(width)))
      attributes.append(("height", NumberFormat.coordinate(height)))
    }
    attributes.append(("class", classes))
    attributes.append(("role", "img"))
    if embedding == .inline {
      attributes.append(("aria-labelledby", ids.title))
      if !description.isEmpty { attributes.append(("aria-describedby", ids.description)) }
    }
    attributes.append(("font-family", Style.fontFamily))
    attributes.append(("font-size", NumberFormat.coordinate(Style.fontSize)))
    var writer = SVGWriter()
    if embedding == .standalone { writer.declaration() }
    writer.open("svg", attributes)
    writer.textElement("title", [("id", ids.title)], title)
    if !description.isEmpty { writer.textElement("desc", [("id", ids.description)], description) }
    if embedding == .standalone && !fixedSize {
      // A file reused on a slide or a dark wiki page has no page colours around it: an opaque
      // white ground keeps its black (currentColor) text readable there.
      writer.leaf(
        "rect",
        [
          ("class", "background"), ("width", NumberFormat.coordinate(width)),
          ("height", NumberFormat.coordinate(height)), ("fill", "#FFFFFF"),
        ])
    }
    body(&writer, ids)
    writer.close("svg")
    return writer.output
  }
}

/// Drawing steps shared by several charts.
enum Draw {
  /// A usable canvas dimension: `value` when finite, at least `minimum` and at most 10,000
  /// (so a caller's zero, negative or infinite size cannot produce a negative plot area).
  static func dimension(_ value: Double, fallback: Double, minimum: Double) -> Double {
    guard value.isFinite else { return fallback }
    return min(max(value, minimum), 10_000)
  }

  /// A dashed frame with a centred message, for a chart with nothing to plot: the page keeps its
  /// layout and the reader learns why the chart is blank.
  static func emptyState(_ writer: inout SVGWriter, width: Double, height: Double) {
    writer.leaf(
      "rect",
      [
        ("class", "empty-frame"), ("x", "0.5"), ("y", "0.5"),
        ("width", NumberFormat.coordinate(width - 1)), ("height", NumberFormat.coordinate(height - 1)),
        ("rx", "4"), ("fill", "none"), ("stroke", "currentColor"), ("stroke-opacity", "0.35"),
        ("stroke-dasharray", "4 4"),
      ])
    writer.text(
      [
        ("class", "empty-message"), ("x", NumberFormat.coordinate(width / 2)),
        ("y", NumberFormat.coordinate(height / 2)), ("dy", "0.35em"), ("text-anchor", "middle"),
        ("fill", "currentColor"),
      ], Style.emptyMessage)
  }

  /// The vertical position of `value` on `scale` inside `plot` (the scale's lowest tick at the
  /// bottom edge, its highest at the top).
  static func y(_ value: Double, scale: NiceScale.Scale, plot: Box) -> Double {
    let span = scale.upper - scale.lower
    guard span > 0 else { return plot.bottom }
    return plot.bottom - (value - scale.lower) / span * plot.height
  }

  /// Horizontal grid lines and right-aligned tick labels left of `plot`, plus a stronger
  /// baseline at zero (or at the bottom when zero is off the scale).
  static func valueAxis(_ writer: inout SVGWriter, scale: NiceScale.Scale, plot: Box) {
    let labels = scale.labels
    writer.open(
      "g", [("class", "grid"), ("stroke", "currentColor"), ("stroke-opacity", Style.gridOpacity)])
    for tick in scale.ticks {
      let y = NumberFormat.coordinate(y(tick, scale: scale, plot: plot))
      writer.leaf(
        "line",
        [
          ("x1", NumberFormat.coordinate(plot.x)), ("x2", NumberFormat.coordinate(plot.right)), ("y1", y),
          ("y2", y),
        ])
    }
    writer.close("g")
    writer.open("g", [("class", "tick-labels y-axis"), ("text-anchor", "end"), ("fill", "currentColor")])
    for (tick, label) in zip(scale.ticks, labels) {
      writer.text(
        [
          ("x", NumberFormat.coordinate(plot.x - 6)),
          ("y", NumberFormat.coordinate(y(tick, scale: scale, plot: plot))), ("dy", "0.35em"),
        ], label)
    }
    writer.close("g")
    let zero = min(max(0, scale.lower), scale.upper)
    let baseline = NumberFormat.coordinate(y(zero, scale: scale, plot: plot))
    writer.leaf(
      "line",
      [
        ("class", "axis baseline"), ("x1", NumberFormat.coordinate(plot.x)),
        ("x2", NumberFormat.coordinate(plot.right)), ("y1", baseline), ("y2", baseline),
        ("stroke", "currentColor"), ("stroke-opacity", "0.6"),
      ])
  }

  /// The width of the widest tick label of `scale` (plus `suffix`), for sizing a margin.
  static func labelWidth(_ scale: NiceScale.Scale, suffix: String = "") -> Double {
    scale.labels.map { TextMetrics.width($0 + suffix, fontSize: Style.fontSize) }.max() ?? 0
  }

  /// A label under the x axis for the data at `position`; `full` is the untruncated text when
  /// `text` was shortened.
  struct AxisLabel {
    /// Where the labelled data sits (and where its tick mark goes).
    var position: Double
    var text: String
    var full: String?
    /// Where the text is centred: `position`, unless `fitAxisLabels` moved it inward.
    var center: Double

    init(position: Double, text: String, full: String?) {
      self.position = position
      self.text = text
      self.full = full
      self.center = position
    }
  }

  /// The labels that fit side by side: each is shifted inward where it would run off the
  /// canvas, and, walking from the right (the latest data matters most), a label that would come
  /// closer than 6 units to the last one kept is dropped.
  static func fitAxisLabels(_ labels: [AxisLabel], canvasWidth: Double) -> [AxisLabel] {
    var kept: [AxisLabel] = []
    var leftEdgeOfKept = Double.infinity
    for var label in labels.sorted(by: { $0.position > $1.position }) {
      let half = TextMetrics.width(label.text, fontSize: Style.fontSize) / 2
      label.center = min(max(label.position, half + 2), canvasWidth - half - 2)
      if label.center + half + 6 <= leftEdgeOfKept {
        kept.append(label)
        leftEdgeOfKept = label.center - half
      }
    }
    return kept.reversed()
  }

  /// Writes a short tick mark under the plot at each label's position and the labels centred
  /// below; pass the labels through `fitAxisLabels` first.
  static func xAxis(_ writer: inout SVGWriter, _ labels: [AxisLabel], plotBottom: Double) {
    writer.open("g", [("class", "axis ticks"), ("stroke", "currentColor"), ("stroke-opacity", "0.6")])
    for label in labels {
      let x = NumberFormat.coordinate(label.position)
      writer.leaf(
        "line",
        [
          ("x1", x), ("x2", x), ("y1", NumberFormat.coordinate(plotBottom)),
          ("y2", NumberFormat.coordinate(plotBottom + 4)),
        ])
    }
    writer.close("g")
    writer.open("g", [("class", "tick-labels x-axis"), ("text-anchor", "middle"), ("fill", "currentColor")])
    for label in labels {
      writer.text(
        [
          ("x", NumberFormat.coordinate(label.center)), ("y", NumberFormat.coordinate(plotBottom + 6)),
          ("dy", "0.71em"),
        ], label.text, tooltip: label.full)
    }
    writer.close("g")
  }

  /// Path data through `points`: `M x y L x y …`.
  static func path(_ points: [(x: Double, y: Double)]) -> String {
    points.enumerated().map { index, point in
      (index == 0 ? "M" : "L") + NumberFormat.coordinate(point.x) + " " + NumberFormat.coordinate(point.y)
    }.joined(separator: " ")
  }
}

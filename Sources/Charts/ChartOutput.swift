/// Where an SVG will live, which decides a few attributes of its root element.
public enum SVGEmbedding: Sendable, Equatable {
  /// Inline in an HTML page: the root gets `aria-labelledby` (and `aria-describedby` when there
  /// is a description) pointing at its `<title>` and `<desc>`.
  case inline
  /// A standalone `.svg` file: an XML declaration first, no `aria-*` attributes (the W3C checker,
  /// vnu 25.8.8, rejects them in `.svg` files; `role="img"` with `<title>` as first child still
  /// names it), and a white background behind the chart (sparklines excepted), so that its
  /// text, drawn in `currentColor` (black outside a page), stays readable wherever it is reused.
  case standalone
}

/// The figures behind a chart as a table, the accessible twin a page shows next to (or instead
/// of) the picture.
///
/// Cells are plain, unescaped strings formatted exactly as the chart formats them (`12,345`,
/// `45.2%`, `no data`), so a template can render them with its own escaping, or the page can use
/// `html()`. The first column names the row (a quarter, a date, a service).
public struct ChartTable: Sendable, Equatable {
  /// A short caption for the table, as given by the caller.
  public var caption: String
  /// Column headings.
  public var header: [String]
  /// One array of cells per row, each as long as `header`.
  public var rows: [[String]]
  /// For each column, whether it holds numbers (a page right-aligns those).
  public var numericColumns: [Bool]

  /// A table with the given caption, headings, rows and numeric-column flags.
  public init(caption: String, header: [String], rows: [[String]], numericColumns: [Bool]) {
    self.caption = caption
    self.header = header
    self.rows = rows
    self.numericColumns = numericColumns
  }

  /// The table as escaped HTML: `<table class="…"><caption>`, a `<thead>` of `<th scope="col">`,
  /// and a `<tbody>` whose first cell in each row is a `<th scope="row">`; numeric cells carry
  /// `class="num"`.
  public func html(className: String = "chart-table") -> String {
    var out = "<table class=\"" + XML.escape(className) + "\">\n"
    out += "<caption>" + XML.escape(caption) + "</caption>\n<thead><tr>"
    for (index, heading) in header.enumerated() {
      out += "<th scope=\"col\"" + numericClass(index) + ">" + XML.escape(heading) + "</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for row in rows {
      out += "<tr>"
      for (index, cell) in row.enumerated() {
        let tag = index == 0 ? "th scope=\"row\"" : "td"
        let closing = index == 0 ? "th" : "td"
        out += "<" + tag + numericClass(index) + ">" + XML.escape(cell) + "</" + closing + ">"
      }
      out += "</tr>\n"
    }
    out += "</tbody>\n</table>\n"
    return out
  }

  private func numericClass(_ column: Int) -> String {
    column < numericColumns.count && numericColumns[column] ? " class=\"num\"" : ""
  }
}

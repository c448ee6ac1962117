/// Attributes of one element, in output order (an array, not a dictionary, so output is
/// deterministic).
typealias Attributes = [(String, String)]

/// Builds SVG markup one element per line, escaping every attribute value and text.
struct SVGWriter {
  /// The markup written so far.
  private(set) var output = ""

  /// Writes the XML declaration that starts a standalone file.
  mutating func declaration() {
    output += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  }

  /// Writes `<name attributes>` and leaves the element open.
  mutating func open(_ name: String, _ attributes: Attributes = []) {
    // Piece by piece into the output: concatenating a line first made a string for each `+`,
    // for tens of thousands of elements in a large organisation's charts.
    output += "<"
    output += name
    append(attributes)
    output += ">\n"
  }

  /// Writes `</name>`.
  mutating func close(_ name: String) {
    output += "</"
    output += name
    output += ">\n"
  }

  /// Writes an element with no content, or with only a `<title>` tooltip when one is given (a
  /// browser shows it on hover, which gives exact figures for bars too narrow to label).
  mutating func leaf(_ name: String, _ attributes: Attributes, tooltip: String? = nil) {
    output += "<"
    output += name
    append(attributes)
    if let tooltip {
      output += "><title>"
      output += XML.escape(tooltip)
      output += "</title></"
      output += name
      output += ">\n"
    } else {
      output += "/>\n"
    }
  }

  /// Writes a `<text>` element with `content`, optionally preceded by a `<title>` holding the full
  /// text of a truncated label.
  mutating func text(_ attributes: Attributes, _ content: String, tooltip: String? = nil) {
    output += "<text"
    append(attributes)
    output += ">"
    if let tooltip {
      output += "<title>"
      output += XML.escape(tooltip)
      output += "</title>"
    }
    output += XML.escape(content)
    output += "</text>\n"
  }

  /// Writes an element holding only escaped text, such as `<title>` or `<desc>`.
  mutating func textElement(_ name: String, _ attributes: Attributes, _ content: String) {
    output += "<"
    output += name
    append(attributes)
    output += ">"
    output += XML.escape(content)
    output += "</"
    output += name
    output += ">\n"
  }

  private mutating func append(_ attributes: Attributes) {
    for (name, value) in attributes {
      output += " "
      output += name
      output += "=\""
      output += XML.escape(value)
      output += "\""
    }
  }
}

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
    output += "<" + name + Self.render(attributes) + ">\n"
  }

  /// Writes `</name>`.
  mutating func close(_ name: String) {
    output += "</" + name + ">\n"
  }

  /// Writes an element with no content, or with only a `<title>` tooltip when one is given (a
  /// browser shows it on hover, which gives exact figures for bars too narrow to label).
  mutating func leaf(_ name: String, _ attributes: Attributes, tooltip: String? = nil) {
    if let tooltip {
      output +=
        "<" + name + Self.render(attributes) + "><title>" + XML.escape(tooltip) + "</title></"
        + name + ">\n"
    } else {
      output += "<" + name + Self.render(attributes) + "/>\n"
    }
  }

  /// Writes a `<text>` element with `content`, optionally preceded by a `<title>` holding the full
  /// text of a truncated label.
  mutating func text(_ attributes: Attributes, _ content: String, tooltip: String? = nil) {
    output += "<text" + Self.render(attributes) + ">"
    if let tooltip { output += "<title>" + XML.escape(tooltip) + "</title>" }
    output += XML.escape(content) + "</text>\n"
  }

  /// Writes an element holding only escaped text, such as `<title>` or `<desc>`.
  mutating func textElement(_ name: String, _ attributes: Attributes, _ content: String) {
    output += "<" + name + Self.render(attributes) + ">" + XML.escape(content) + "</" + name + ">\n"
  }

  private static func render(_ attributes: Attributes) -> String {
    var out = ""
    for (name, value) in attributes { out += " " + name + "=\"" + XML.escape(value) + "\"" }
    return out
  }
}

import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An element of a parsed SVG, for checking geometry rather than string fragments.
final class Node {
  let name: String
  let attributes: [String: String]
  var children: [Node] = []
  /// Character data directly inside this element (not inside its children).
  var text = ""

  init(name: String, attributes: [String: String]) {
    self.name = name
    self.attributes = attributes
  }

  /// This element and every element below it, in document order.
  var all: [Node] { [self] + children.flatMap(\.all) }

  /// Elements below this one (or this one) named `name` whose class list contains every class in
  /// `classes` (space separated).
  func find(_ name: String, class classes: String = "") -> [Node] {
    let wanted = classes.split(separator: " ").map(String.init)
    return all.filter { node in
      let have = (node.attributes["class"] ?? "").split(separator: " ").map(String.init)
      return node.name == name && wanted.allSatisfy(have.contains)
    }
  }

  /// A numeric attribute, or NaN when missing or not a number (so comparisons fail loudly).
  func number(_ attribute: String) -> Double {
    attributes[attribute].flatMap(Double.init) ?? .nan
  }

  /// The text of a `<title>` child, if any.
  var tooltip: String? { children.first { $0.name == "title" }?.text }
}

/// Errors from parsing.
struct SVGParseError: Error, CustomStringConvertible {
  var description: String
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
  var stack: [Node] = []
  var root: Node?

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    let node = Node(name: elementName, attributes: attributes)
    if let parent = stack.last { parent.children.append(node) } else { root = node }
    stack.append(node)
  }

  func parser(
    _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
  ) {
    stack.removeLast()
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    stack.last?.text += string
  }
}

/// Parses `svg` with Foundation's XMLParser; throws when it is not well-formed XML.
func parseSVG(_ svg: String) throws -> Node {
  let parser = XMLParser(data: Data(svg.utf8))
  let builder = TreeBuilder()
  parser.delegate = builder
  guard parser.parse(), let root = builder.root else {
    throw SVGParseError(description: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "no root")")
  }
  return root
}

/// The viewBox of a parsed root as (width, height).
func viewBoxSize(_ root: Node) -> (width: Double, height: Double) {
  let parts = (root.attributes["viewBox"] ?? "").split(separator: " ").compactMap { Double(String($0)) }
  guard parts.count == 4 else { return (.nan, .nan) }
  return (parts[2], parts[3])
}

/// A count label such as `12,000` or `45%` as a number.
func labelValue(_ text: String) -> Double {
  Double(text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "%", with: "")) ?? .nan
}

/// Reads a value off the left axis: maps a y coordinate to a data value through the lowest and
/// highest tick labels, exactly as a reader would.
func axisValue(atY y: Double, in root: Node) -> Double {
  let ticks = root.find("g", class: "tick-labels y-axis").first?.find("text") ?? []
  guard let low = ticks.first, let high = ticks.last, ticks.count >= 2 else { return .nan }
  let (y0, v0) = (low.number("y"), labelValue(low.text))
  let (y1, v1) = (high.number("y"), labelValue(high.text))
  return v0 + (y - y0) / (y1 - y0) * (v1 - v0)
}

/// Every number in the geometry attributes and path data of `root`.
func geometryNumbers(_ root: Node) -> [String] {
  let names = ["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "rx"]
  var numbers: [String] = []
  for node in root.all {
    for name in names { if let value = node.attributes[name] { numbers.append(value) } }
    if let d = node.attributes["d"] {
      numbers += d.split(whereSeparator: { "MLZ ".contains($0) }).map(String.init)
    }
    if let box = node.attributes["viewBox"] { numbers += box.split(separator: " ").map(String.init) }
  }
  return numbers
}

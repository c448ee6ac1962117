import CCmark

/// A libcmark node; owned by the tree it belongs to.
typealias CmarkNode = OpaquePointer

/// Owns a libcmark document tree and frees it when the last document value using it goes away.
///
/// After `MarkdownDocument.init` has finished rewriting it, the tree is only read: libcmark's HTML
/// renderer walks it with a private iterator and writes into a private buffer, so concurrent
/// renders of one tree are safe. That is what makes the `@unchecked Sendable` sound.
final class CmarkTree: @unchecked Sendable {
  let root: CmarkNode?

  init(root: CmarkNode?) {
    self.root = root
  }

  deinit {
    if let root {
      cmark_node_free(root)
    }
  }
}

enum Cmark {
  /// The options for rendering: safe mode unless raw HTML is allowed. Smart punctuation and source
  /// positions stay off so output is plain and stable.
  static func renderOptions(allowRawHTML: Bool) -> Int32 {
    allowRawHTML ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT
  }

  /// Renders a node and its descendants with libcmark's HTML renderer.
  static func renderHTML(_ node: CmarkNode, options: Int32) -> String {
    guard let raw = cmark_render_html(node, options) else { return "" }
    defer { cmark_get_default_mem_allocator().pointee.free(raw) }
    return String(cString: raw)
  }

  static func type(_ node: CmarkNode) -> cmark_node_type {
    cmark_node_get_type(node)
  }

  /// The node's literal as bytes, empty for nodes without one.
  static func literalBytes(_ node: CmarkNode) -> [UInt8] {
    var bytes: [UInt8] = []
    if let literal = cmark_node_get_literal(node) {
      appendCString(literal, to: &bytes)
    }
    return bytes
  }

  static func appendCString(_ string: UnsafePointer<CChar>, to bytes: inout [UInt8]) {
    string.withMemoryRebound(to: UInt8.self, capacity: 1) { pointer in
      var index = 0
      while pointer[index] != 0 {
        bytes.append(pointer[index])
        index += 1
      }
    }
  }

  /// Sets a text node's literal, or removes the node when nothing is left of it.
  static func setLiteralOrRemove(_ node: CmarkNode, _ bytes: some Collection<UInt8>) {
    if bytes.isEmpty {
      cmark_node_free(node)
    } else {
      cmark_node_set_literal(node, String(decoding: bytes, as: UTF8.self))
    }
  }

  /// A custom node that libcmark renders as `enter`, its children, then `exit`, verbatim in every
  /// mode. A custom block also puts each of `enter` and `exit` on a line of its own; a custom inline
  /// adds nothing.
  static func makeCustom(_ type: cmark_node_type, enter: String, exit: String) -> CmarkNode? {
    guard let node = cmark_node_new(type) else { return nil }
    cmark_node_set_on_enter(node, enter)
    cmark_node_set_on_exit(node, exit)
    return node
  }

  static func makeInline(_ enter: String, _ exit: String = "") -> CmarkNode? {
    makeCustom(CMARK_NODE_CUSTOM_INLINE, enter: enter, exit: exit)
  }

  /// Moves all children of `source` to the end of `destination`, keeping their order.
  static func moveChildren(from source: CmarkNode, to destination: CmarkNode) {
    while let child = cmark_node_first_child(source) {
      // A refused move would otherwise loop forever on the same first child.
      guard cmark_node_append_child(destination, child) == 1 else { return }
    }
  }

  /// The plain text of a node's inline content: text and code literals, with soft and hard line
  /// breaks as spaces, runs of white space collapsed to one space, trimmed. Raw HTML is left out.
  static func plainText(_ node: CmarkNode) -> String {
    var text = PlainText()
    guard let iterator = cmark_iter_new(node) else { return "" }
    defer { cmark_iter_free(iterator) }
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
      switch cmark_node_get_type(current) {
      case CMARK_NODE_TEXT, CMARK_NODE_CODE:
        if let literal = cmark_node_get_literal(current) {
          text.append(literal)
        }
      case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
        text.appendSpace()
      default:
        break
      }
    }
    return text.result
  }

  static func isBlank(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
      || byte == UInt8(ascii: "\r")
  }
}

/// Collects plain text, keeping at most one space between words and none at either end.
private struct PlainText {
  private var bytes: [UInt8] = []
  private var pendingSpace = false

  mutating func append(_ string: UnsafePointer<CChar>) {
    string.withMemoryRebound(to: UInt8.self, capacity: 1) { pointer in
      var index = 0
      while pointer[index] != 0 {
        let byte = pointer[index]
        if Cmark.isBlank(byte) {
          pendingSpace = true
        } else {
          if pendingSpace && !bytes.isEmpty {
            bytes.append(UInt8(ascii: " "))
          }
          pendingSpace = false
          bytes.append(byte)
        }
        index += 1
      }
    }
  }

  mutating func appendSpace() {
    pendingSpace = true
  }

  var result: String { String(decoding: bytes, as: UTF8.self) }
}

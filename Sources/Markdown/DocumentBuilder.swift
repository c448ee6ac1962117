import CCmark
import Model

/// Reads headings and task items out of a freshly parsed tree and rewrites the tree so that
/// libcmark's renderer emits heading anchors and task checkboxes.
///
/// Works in three passes so that the tree is never restructured under libcmark's iterator:
/// 1. walk the tree once, noting headings and list items in document order and emptying
///    dangerous URLs (a change to the current node only);
/// 2. in that order, compute heading anchors and task items, stripping task markers and `{#id}`s;
/// 3. replace headings and task lists with custom nodes.
struct DocumentBuilder {
  private(set) var title: String?
  private(set) var headings: [MarkdownHeading] = []
  private(set) var taskItems: [TaskItem] = []

  private let lineOffset: Int
  private var anchors = UniqueNames()
  private var taskIDs = UniqueNames()
  private var enclosingHeadings: [(level: Int, text: String)] = []

  init(lineOffset: Int) {
    self.lineOffset = lineOffset
  }

  private enum Landmark {
    case heading(CmarkNode)
    case item(CmarkNode)
  }

  /// What pass 3 needs to know about one task item.
  private struct TaskMarkup {
    var isChecked: Bool
    /// The item's first paragraph.
    var paragraph: CmarkNode
    /// A transparent custom inline now holding all of the paragraph's content.
    var content: CmarkNode
  }

  mutating func build(_ root: CmarkNode) {
    let landmarks = collectLandmarks(root)

    var tasks: [CmarkNode: TaskMarkup] = [:]
    var taskLists: [CmarkNode] = []
    var seenLists: Set<CmarkNode> = []
    for landmark in landmarks {
      switch landmark {
      case .heading(let node):
        addHeading(node)
      case .item(let node):
        guard let markup = addTaskItem(node) else { continue }
        tasks[node] = markup
        if let list = cmark_node_parent(node), seenLists.insert(list).inserted {
          taskLists.append(list)
        }
      }
    }
    // Item nodes freed along with their list are never looked up again: every lookup is for an
    // item of a list still in the tree, so a reused address cannot produce a false match.
    for list in taskLists {
      Self.rewriteTaskList(list, tasks: tasks)
    }
  }

  private func collectLandmarks(_ root: CmarkNode) -> [Landmark] {
    var landmarks: [Landmark] = []
    guard let iterator = cmark_iter_new(root) else { return landmarks }
    defer { cmark_iter_free(iterator) }
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
      switch cmark_node_get_type(node) {
      case CMARK_NODE_HEADING:
        landmarks.append(.heading(node))
      case CMARK_NODE_ITEM:
        landmarks.append(.item(node))
      case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
        if let url = cmark_node_get_url(node), URLSafety.isDangerous(url) {
          cmark_node_set_url(node, "")
        }
      default:
        break
      }
    }
    return landmarks
  }

  // MARK: Headings

  private mutating func addHeading(_ node: CmarkNode) {
    let level = Int(cmark_node_get_heading_level(node))
    let text = Cmark.plainText(node)
    let anchor = anchors.claim(Markdown.slug(text))
    headings.append(
      MarkdownHeading(
        level: level, text: text, anchor: anchor, line: Int(cmark_node_get_start_line(node)) + lineOffset))
    if level == 1 && title == nil {
      title = text
    }
    while let last = enclosingHeadings.last, last.level >= level {
      enclosingHeadings.removeLast()
    }
    enclosingHeadings.append((level, text))
    Self.rewriteHeading(node, level: level, anchor: anchor)
  }

  /// Replaces a heading with `<hN id="anchor">…</hN>` built from custom nodes, since libcmark's own
  /// heading has no attributes. The tag pair is a custom inline inside an empty custom block so
  /// that the block's line breaks fall outside the tags.
  private static func rewriteHeading(_ node: CmarkNode, level: Int, anchor: String) {
    guard let block = Cmark.makeCustom(CMARK_NODE_CUSTOM_BLOCK, enter: "", exit: "") else { return }
    guard let tags = Cmark.makeInline("<h\(level) id=\"\(Markdown.escapeHTML(anchor))\">", "</h\(level)>")
    else {
      cmark_node_free(block)
      return
    }
    Cmark.moveChildren(from: node, to: tags)
    cmark_node_append_child(block, tags)
    cmark_node_insert_before(node, block)
    cmark_node_free(node)
  }

  // MARK: Task items

  /// Turns a list item whose first paragraph starts with `[ ] `, `[x] ` or `[X] ` into a task
  /// item: records it and strips the marker and any trailing `{#id}` from the tree. Returns nil,
  /// touching nothing, for any other item.
  private mutating func addTaskItem(_ item: CmarkNode) -> TaskMarkup? {
    guard let paragraph = cmark_node_first_child(item),
      Cmark.type(paragraph) == CMARK_NODE_PARAGRAPH,
      let first = cmark_node_first_child(paragraph),
      Cmark.type(first) == CMARK_NODE_TEXT,
      let literal = cmark_node_get_literal(first),
      literal.pointee == CChar(UInt8(ascii: "["))
    else {
      return nil
    }
    // The marker may be split over several text nodes (libcmark ends a text run at `[` and `]`).
    cmark_consolidate_text_nodes(paragraph)
    guard let markerNode = cmark_node_first_child(paragraph) else { return nil }
    let bytes = Cmark.literalBytes(markerNode)
    guard bytes.count >= 4, bytes[0] == UInt8(ascii: "["), bytes[2] == UInt8(ascii: "]"),
      bytes[3] == UInt8(ascii: " ")
    else {
      return nil
    }
    let isChecked: Bool
    switch bytes[1] {
    case UInt8(ascii: " "): isChecked = false
    case UInt8(ascii: "x"), UInt8(ascii: "X"): isChecked = true
    default: return nil
    }
    Cmark.setLiteralOrRemove(markerNode, bytes[4...].drop(while: Cmark.isBlank))
    let explicitID = Self.removeTrailingID(paragraph)

    guard let content = Cmark.makeInline("") else { return nil }
    Cmark.moveChildren(from: paragraph, to: content)
    cmark_node_append_child(paragraph, content)

    let text = Cmark.plainText(content)
    let base = explicitID.map(Self.idBase) ?? Markdown.slug(text)
    taskItems.append(
      TaskItem(
        id: taskIDs.claim(base),
        text: text,
        html: Cmark.renderHTML(content, options: Cmark.renderOptions(allowRawHTML: false)),
        isChecked: isChecked,
        headingPath: enclosingHeadings.map(\.text),
        line: Int(cmark_node_get_start_line(item)) + lineOffset
      ))
    return TaskMarkup(isChecked: isChecked, paragraph: paragraph, content: content)
  }

  /// An explicit id is used as written when it is 1 to 64 of `a`–`z`, `0`–`9` and `-`, and
  /// slugged otherwise.
  private static func idBase(_ explicit: String) -> String {
    let valid =
      explicit.utf8.count <= Markdown.maximumSlugLength
      && explicit.utf8.allSatisfy { byte in
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
          || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
      }
    return valid ? explicit : Markdown.slug(explicit)
  }

  /// Removes a `{#id}` that ends the paragraph and returns the id.
  ///
  /// The braces must close the paragraph's last text node and hold at least one character other
  /// than `{`, `}` and white space after the `#`; the `{` must start the node or follow a space or
  /// tab. Line breaks and spaces left dangling at the end are removed too.
  private static func removeTrailingID(_ paragraph: CmarkNode) -> String? {
    guard let last = cmark_node_last_child(paragraph), Cmark.type(last) == CMARK_NODE_TEXT else {
      return nil
    }
    let bytes = Cmark.literalBytes(last)
    var end = bytes.count
    while end > 0 && Cmark.isBlank(bytes[end - 1]) {
      end -= 1
    }
    guard end >= 4, bytes[end - 1] == UInt8(ascii: "}") else { return nil }
    var open = end - 2
    while open >= 0 && bytes[open] != UInt8(ascii: "{") {
      if Cmark.isBlank(bytes[open]) || bytes[open] == UInt8(ascii: "}") {
        return nil
      }
      open -= 1
    }
    guard open >= 0, open + 2 < end - 1, bytes[open + 1] == UInt8(ascii: "#"),
      open == 0 || Cmark.isBlank(bytes[open - 1])
    else {
      return nil
    }
    let id = String(decoding: bytes[(open + 2)..<(end - 1)], as: UTF8.self)

    var keep = open
    while keep > 0 && Cmark.isBlank(bytes[keep - 1]) {
      keep -= 1
    }
    Cmark.setLiteralOrRemove(last, bytes[..<keep])
    if keep == 0 {
      trimTrailingBreaks(paragraph)
    }
    return id
  }

  /// Drops line breaks and blank text at the end of a paragraph whose last text was removed.
  private static func trimTrailingBreaks(_ paragraph: CmarkNode) {
    while let last = cmark_node_last_child(paragraph) {
      switch Cmark.type(last) {
      case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
        cmark_node_free(last)
      case CMARK_NODE_TEXT:
        let bytes = Cmark.literalBytes(last)
        var end = bytes.count
        while end > 0 && Cmark.isBlank(bytes[end - 1]) {
          end -= 1
        }
        if end < bytes.count {
          Cmark.setLiteralOrRemove(last, bytes[..<end])
          if end == 0 { continue }
        }
        return
      default:
        return
      }
    }
  }

  // MARK: Task lists

  /// Replaces a list that holds task items with custom nodes that render the same HTML as
  /// libcmark's list plus the task classes, checkboxes and labels.
  ///
  /// A list may only contain items, so the list itself becomes a custom block; its items become
  /// empty custom blocks opened and closed by custom inlines (`<li…>`, `</li>`) so that no line
  /// break lands inside the tags. libcmark decides whether to print an item's `<p>` by asking
  /// whether the paragraph's grandparent is a tight list, which is no longer true here, so in a
  /// tight list the paragraphs directly in an item are unwrapped by hand.
  private static func rewriteTaskList(_ list: CmarkNode, tasks: [CmarkNode: TaskMarkup]) {
    let isTight = cmark_node_get_list_tight(list) != 0
    let open: String
    let close: String
    if cmark_node_get_list_type(list) == CMARK_ORDERED_LIST {
      let start = cmark_node_get_list_start(list)
      open = start == 1 ? "<ol class=\"tasks\">" : "<ol class=\"tasks\" start=\"\(start)\">"
      close = "</ol>"
    } else {
      open = "<ul class=\"tasks\">"
      close = "</ul>"
    }
    guard let listBlock = Cmark.makeCustom(CMARK_NODE_CUSTOM_BLOCK, enter: open, exit: close) else {
      return
    }
    guard cmark_node_insert_before(list, listBlock) == 1 else {
      cmark_node_free(listBlock)
      return
    }

    var nextItem = cmark_node_first_child(list)
    while let item = nextItem {
      nextItem = cmark_node_next(item)
      let task = tasks[item]
      guard let itemBlock = Cmark.makeCustom(CMARK_NODE_CUSTOM_BLOCK, enter: "", exit: "") else {
        continue
      }
      cmark_node_append_child(listBlock, itemBlock)
      if let itemOpen = Cmark.makeInline(task == nil ? "<li>" : "<li class=\"task\">") {
        cmark_node_append_child(itemBlock, itemOpen)
      }

      var nextChild = cmark_node_first_child(item)
      while let child = nextChild {
        nextChild = cmark_node_next(child)
        if let task, child == task.paragraph,
          let label = Cmark.makeInline(
            "<label><input type=\"checkbox\" disabled\(task.isChecked ? " checked" : "")> ", "</label>")
        {
          cmark_node_append_child(label, task.content)
          if isTight {
            cmark_node_append_child(itemBlock, label)
            cmark_node_free(child)
          } else {
            cmark_node_append_child(child, label)
            cmark_node_append_child(itemBlock, child)
          }
        } else if isTight && Cmark.type(child) == CMARK_NODE_PARAGRAPH {
          Cmark.moveChildren(from: child, to: itemBlock)
          cmark_node_free(child)
        } else {
          cmark_node_append_child(itemBlock, child)
        }
      }
      if let itemClose = Cmark.makeInline("</li>") {
        cmark_node_append_child(itemBlock, itemClose)
      }
    }
    cmark_node_free(list)
  }
}

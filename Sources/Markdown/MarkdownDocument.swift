import CCmark

/// A parsed CommonMark document: its front matter, headings and task items, and its HTML.
///
/// Parsing happens once, in `init(parsing:)`; the value keeps libcmark's tree (rewritten for
/// heading anchors and task checkboxes) and renders it on demand. Values can be shared between
/// threads and rendered concurrently.
///
/// The HTML that `html(allowRawHTML:)` produces is libcmark's, with these changes:
/// - every heading carries its anchor: `<h2 id="review-roles">Review roles</h2>`;
/// - a list holding at least one task item gets a class, `<ul class="tasks">` (or
///   `<ol class="tasks">`, keeping `start`), and each task item is
///   `<li class="task"><label><input type="checkbox" disabled> text</label></li>`, with
///   ` checked` after `disabled` for a checked item. The `<label>` gives the checkbox its
///   accessible name; in a loose list it sits inside the item's first `<p>`. Other items of
///   such a list stay plain `<li>`;
/// - link and image URLs that could run code are emptied in both modes (see `html(allowRawHTML:)`).
public struct MarkdownDocument: Sendable {
  /// The raw text between the front-matter delimiters (including its final line break), or nil
  /// when the text does not start with a front-matter block.
  public let frontMatter: String?
  /// The 1-based line of the original text where the Markdown body starts: 1 without front matter,
  /// otherwise the line after the closing delimiter.
  public let bodyStartLine: Int
  /// The plain text of the first level-1 heading, if there is one.
  public let title: String?
  /// All headings, in document order.
  public let headings: [MarkdownHeading]
  /// All task-list items, in document order (an item comes before the items nested in it).
  public let taskItems: [TaskItem]

  private let tree: CmarkTree

  /// Parses CommonMark text.
  ///
  /// A front-matter block (first line exactly `---`, then YAML lines, then a line exactly `---` or
  /// `...`) is split off first and not parsed as Markdown. Line numbers in `headings` and
  /// `taskItems` count from the start of `text`, front matter included.
  public init(parsing text: String) {
    var text = text
    let parsed = text.withUTF8 { bytes -> (FrontMatterSplit, CmarkNode?) in
      let split = FrontMatterSplit(bytes)
      let body = UnsafeBufferPointer(rebasing: bytes[split.bodyOffset...])
      let root = body.withMemoryRebound(to: CChar.self) { characters in
        // An empty buffer may have no base address, and libcmark needs a valid pointer.
        guard let base = characters.baseAddress, !characters.isEmpty else {
          return cmark_parse_document("", 0, CMARK_OPT_DEFAULT)
        }
        return cmark_parse_document(base, characters.count, CMARK_OPT_DEFAULT)
      }
      return (split, root)
    }
    let (split, root) = parsed
    frontMatter = split.frontMatter
    bodyStartLine = split.bodyStartLine
    tree = CmarkTree(root: root)

    var builder = DocumentBuilder(lineOffset: split.bodyStartLine - 1)
    if let root {
      builder.build(root)
    }
    title = builder.title
    headings = builder.headings
    taskItems = builder.taskItems
  }

  /// Renders the document body as HTML.
  ///
  /// With `allowRawHTML` false (the default), raw HTML blocks and inline tags are replaced by
  /// `<!-- raw HTML omitted -->`, libcmark's safe mode. With it true they are kept verbatim. In both
  /// modes a link or image URL starting with `javascript:`, `vbscript:`, `file:` or `data:` (other
  /// than `data:image/png`, `gif`, `jpeg` or `webp`) is rendered as an empty `href` or `src`.
  public func html(allowRawHTML: Bool = false) -> String {
    guard let root = tree.root else { return "" }
    return Cmark.renderHTML(root, options: Cmark.renderOptions(allowRawHTML: allowRawHTML))
  }
}

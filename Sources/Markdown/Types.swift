/// A heading of a parsed document.
public struct MarkdownHeading: Hashable, Sendable {
  /// The heading level, 1 to 6.
  public var level: Int
  /// The heading's plain text, with emphasis, code and links flattened.
  public var text: String
  /// The heading's `id` in `MarkdownDocument.html()`: `Markdown.slug(text)`, made unique within the
  /// document by appending `-2`, `-3`, … to later duplicates.
  public var anchor: String
  /// The 1-based line where the heading starts in the original text, front matter counted.
  public var line: Int

  /// Creates a heading from its parts.
  public init(level: Int, text: String, anchor: String, line: Int) {
    self.level = level
    self.text = text
    self.anchor = anchor
    self.line = line
  }
}

/// A task-list item (`- [ ] text` or `- [x] text`) of a parsed document.
public struct TaskItem: Hashable, Sendable {
  /// A stable identifier: the explicit `{#id}` written at the end of the item when present,
  /// otherwise `Markdown.slug(text)`; later duplicates within a document get `-2`, `-3`, ….
  public var id: String
  /// The item's plain text, without the `[ ] ` marker and without a trailing `{#id}`.
  public var text: String
  /// The item's inline content as safe HTML (raw HTML omitted, dangerous URLs removed), without
  /// a paragraph, checkbox or marker.
  public var html: String
  /// Whether the item was written checked (`[x]` or `[X]`).
  public var isChecked: Bool
  /// The plain texts of the headings enclosing the item, outermost first.
  public var headingPath: [String]
  /// The 1-based line where the item starts in the original text, front matter counted.
  public var line: Int

  /// Creates a task item from its parts.
  public init(id: String, text: String, html: String, isChecked: Bool, headingPath: [String], line: Int) {
    self.id = id
    self.text = text
    self.html = html
    self.isChecked = isChecked
    self.headingPath = headingPath
    self.line = line
  }
}

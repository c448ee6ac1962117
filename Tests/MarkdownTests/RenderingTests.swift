import CCmark
import Testing

@testable import Markdown

@Test func headingAndParagraphRenderExactly() {
  let document = MarkdownDocument(parsing: "# Reduce permissions\n\nRemove what is *not* used.\n")
  #expect(
    document.html()
      == "<h1 id=\"reduce-permissions\">Reduce permissions</h1>\n<p>Remove what is <em>not</em> used.</p>\n")
  #expect(document.title == "Reduce permissions")
}

@Test func titleIsTheFirstLevelOneHeadingFlattened() {
  let document = MarkdownDocument(
    parsing: "Intro\n\n## Before\n\n# The `iam:PassRole` *review*\n\n# Second\n")
  #expect(document.title == "The iam:PassRole review")
  #expect(MarkdownDocument(parsing: "## Only two\n").title == nil)
}

@Test func duplicateHeadingsGetNumberedAnchors() {
  let document = MarkdownDocument(
    parsing: "# Roles\n\n## Roles\n\nRoles\n-----\n\n### Roles 2\n\n#### Roles\n")
  #expect(document.headings.map(\.anchor) == ["roles", "roles-2", "roles-3", "roles-2-2", "roles-4"])
  #expect(document.headings.map(\.level) == [1, 2, 2, 3, 4])
  #expect(document.headings.map(\.line) == [1, 3, 5, 8, 10])
  #expect(
    document.html()
      == """
      <h1 id="roles">Roles</h1>
      <h2 id="roles-2">Roles</h2>
      <h2 id="roles-3">Roles</h2>
      <h3 id="roles-2-2">Roles 2</h3>
      <h4 id="roles-4">Roles</h4>

      """)
}

@Test func headingTextIsEscapedAndItsAnchorIsASlug() {
  let document = MarkdownDocument(parsing: "## \"><script>x</script> & 'Ünïcode' 🚀\n")
  #expect(document.headings.first?.text == "\">x & 'Ünïcode' 🚀")
  #expect(document.headings.first?.anchor == "x-unicode")
  #expect(
    document.html()
      == "<h2 id=\"x-unicode\">&quot;&gt;<!-- raw HTML omitted -->x<!-- raw HTML omitted --> &amp; 'Ünïcode' 🚀</h2>\n"
  )
}

@Test func headingsInsideListsAndQuotesKeepCmarkLayout() {
  let document = MarkdownDocument(parsing: "> ## Quoted\n\n- # In a list\n")
  #expect(
    document.html()
      == """
      <blockquote>
      <h2 id="quoted">Quoted</h2>
      </blockquote>
      <ul>
      <li>
      <h1 id="in-a-list">In a list</h1>
      </li>
      </ul>

      """)
}

@Test func mustacheSyntaxStaysLiteralText() {
  let document = MarkdownDocument(parsing: "Hello {{name}} and {{{raw}}} and {{#list}}x{{/list}}\n")
  #expect(document.html() == "<p>Hello {{name}} and {{{raw}}} and {{#list}}x{{/list}}</p>\n")
}

@Test func emptyTextRendersNothing() {
  let document = MarkdownDocument(parsing: "")
  #expect(document.html() == "")
  #expect(document.headings.isEmpty)
  #expect(document.title == nil)
  #expect(document.frontMatter == nil)
  #expect(document.bodyStartLine == 1)
}

/// The rendering of task items and heading anchors relies on libcmark emitting the text of custom
/// nodes verbatim even in safe mode, where raw HTML is dropped.
@Test func libcmarkRendersCustomNodesVerbatimInSafeMode() throws {
  let source = "para"
  let root = try #require(cmark_parse_document(source, source.utf8.count, CMARK_OPT_DEFAULT))
  defer { cmark_node_free(root) }
  let paragraph = try #require(cmark_node_first_child(root))
  let inline = try #require(Cmark.makeInline("<span class=\"a\">", "</span>"))
  cmark_node_prepend_child(paragraph, inline)
  let block = try #require(
    Cmark.makeCustom(CMARK_NODE_CUSTOM_BLOCK, enter: "<section>", exit: "</section>"))
  cmark_node_append_child(root, block)
  #expect(
    Cmark.renderHTML(root, options: CMARK_OPT_DEFAULT)
      == "<p><span class=\"a\"></span>para</p>\n<section>\n</section>\n")
  // A raw HTML inline in the same tree is dropped, proving safe mode was on.
  let raw = try #require(cmark_node_new(CMARK_NODE_HTML_INLINE))
  cmark_node_set_literal(raw, "<b>")
  cmark_node_append_child(paragraph, raw)
  #expect(
    Cmark.renderHTML(root, options: CMARK_OPT_DEFAULT)
      == "<p><span class=\"a\"></span>para<!-- raw HTML omitted --></p>\n<section>\n</section>\n")
}

@Test func concurrentRendersOfOneDocumentAgree() async {
  let document = MarkdownDocument(
    parsing: "# A\n\n- [ ] one\n- [x] two\n\n## B\n\n1. x\n2. [ ] y\n")
  let expected = document.html()
  let results = await withTaskGroup(of: String.self) { group in
    for index in 0..<64 {
      group.addTask { document.html(allowRawHTML: index % 2 == 0) }
    }
    var all: [String] = []
    for await html in group {
      all.append(html)
    }
    return all
  }
  #expect(results.count == 64)
  #expect(results.allSatisfy { $0 == expected })
}

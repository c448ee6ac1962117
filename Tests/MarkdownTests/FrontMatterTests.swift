import Markdown
import Testing

@Test func frontMatterIsSplitOffAndNotRendered() {
  let document = MarkdownDocument(
    parsing: "---\ntitle: Quarterly review\nowner: security\n---\n# Review\n\nBody.\n")
  #expect(document.frontMatter == "title: Quarterly review\nowner: security\n")
  #expect(document.bodyStartLine == 5)
  #expect(document.html() == "<h1 id=\"review\">Review</h1>\n<p>Body.</p>\n")
  #expect(document.headings == [MarkdownHeading(level: 1, text: "Review", anchor: "review", line: 5)])
}

@Test func frontMatterMayCloseWithDotsAndUseCRLF() {
  let document = MarkdownDocument(parsing: "---\r\na: 1\r\n...\r\nText\r\n")
  #expect(document.frontMatter == "a: 1\r\n")
  #expect(document.bodyStartLine == 4)
  #expect(document.html() == "<p>Text</p>\n")
}

@Test func emptyFrontMatterIsAnEmptyString() {
  let document = MarkdownDocument(parsing: "---\n---\n\n\n- [ ] Check\n")
  #expect(document.frontMatter == "")
  #expect(document.bodyStartLine == 3)
  #expect(document.taskItems.map(\.line) == [5])
}

@Test func frontMatterAtTheVeryEndLeavesAnEmptyBody() {
  let document = MarkdownDocument(parsing: "---\nkey: value\n---")
  #expect(document.frontMatter == "key: value\n")
  #expect(document.bodyStartLine == 4)
  #expect(document.html() == "")
}

@Test func unclosedFrontMatterIsMarkdown() {
  let document = MarkdownDocument(parsing: "---\nNot front matter\n")
  #expect(document.frontMatter == nil)
  #expect(document.bodyStartLine == 1)
  #expect(document.html() == "<hr />\n<p>Not front matter</p>\n")
}

@Test func delimiterMustBeExactlyThreeDashes() {
  let indented = MarkdownDocument(parsing: "--- \na: 1\n---\n")
  #expect(indented.frontMatter == nil)
  let later = MarkdownDocument(parsing: "\n---\na: 1\n---\n")
  #expect(later.frontMatter == nil)
  #expect(later.bodyStartLine == 1)
}

@Test func byteOrderMarkMayPrecedeFrontMatter() {
  let document = MarkdownDocument(parsing: "\u{FEFF}---\na: 1\n---\nText\n")
  #expect(document.frontMatter == "a: 1\n")
  #expect(document.html() == "<p>Text</p>\n")
}

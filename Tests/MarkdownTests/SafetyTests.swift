import Markdown
import Testing

private let hostile = """
  <script>alert(1)</script>

  Text "><img src=x onerror=alert(1)> and {{mustache}} and Ünïcode ✓.

  [a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](vbscript:msgbox) [d](file:///etc/passwd) \
  [e](data:text/html;base64,PHNjcmlwdD4=) ![f](data:image/png;base64,iVBO) [g](<java\tscript:alert(1)>) \
  <javascript:alert(2)> ![h](  javascript:alert(4)) [ok](https://example.com/?a=1&b=2 "T\\"itle")

  - [ ] Check <img src=x onerror=alert(1)> [now](javascript:alert(3))

  """

private let links = """
  <p><a href="">a</a> <a href="">b</a> <a href="">c</a> <a href="">d</a> \
  <a href="">e</a> <img src="data:image/png;base64,iVBO" alt="f" /> <a href="">g</a> \
  <a href="">javascript:alert(2)</a> <img src="" alt="h" /> \
  <a href="https://example.com/?a=1&amp;b=2" title="T&quot;itle">ok</a></p>
  """

@Test func safeModeDropsRawHTMLAndDangerousURLs() {
  let document = MarkdownDocument(parsing: hostile)
  #expect(
    document.html()
      == """
      <!-- raw HTML omitted -->
      <p>Text &quot;&gt;<!-- raw HTML omitted --> and {{mustache}} and Ünïcode ✓.</p>
      \(links)
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled> Check <!-- raw HTML omitted --> \
      <a href="">now</a></label></li>
      </ul>

      """)
}

@Test func rawHTMLModeKeepsHTMLButStillDropsDangerousURLs() {
  let document = MarkdownDocument(parsing: hostile)
  #expect(
    document.html(allowRawHTML: true)
      == """
      <script>alert(1)</script>
      <p>Text &quot;&gt;<img src=x onerror=alert(1)> and {{mustache}} and Ünïcode ✓.</p>
      \(links)
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled> Check <img src=x onerror=alert(1)> \
      <a href="">now</a></label></li>
      </ul>

      """)
}

@Test func taskItemHTMLIsAlwaysSafe() {
  let item = MarkdownDocument(parsing: hostile).taskItems.first
  #expect(item?.html == "Check <!-- raw HTML omitted --> <a href=\"\">now</a>")
  #expect(item?.text == "Check now")
  #expect(item?.id == "check-now")
}

@Test func rawHTMLBlocksAreDroppedOnlyInSafeMode() {
  let document = MarkdownDocument(parsing: "<div onclick=\"x()\">\n\n*kept*\n\n</div>\n")
  #expect(
    document.html()
      == "<!-- raw HTML omitted -->\n<p><em>kept</em></p>\n<!-- raw HTML omitted -->\n")
  #expect(
    document.html(allowRawHTML: true) == "<div onclick=\"x()\">\n<p><em>kept</em></p>\n</div>\n")
}

@Test func safeDataImagesAndOrdinaryURLsPass() {
  let document = MarkdownDocument(
    parsing:
      "![a](DATA:image/GIF;base64,R0) ![b](data:image/svg+xml;base64,PHN2Zz4=) [c](mailto:a@b.c) [d](../x.html#y)\n"
  )
  let expected =
    "<p><img src=\"DATA:image/GIF;base64,R0\" alt=\"a\" /> <img src=\"\" alt=\"b\" /> "
    + "<a href=\"mailto:a@b.c\">c</a> <a href=\"../x.html#y\">d</a></p>\n"
  #expect(document.html() == expected)
  #expect(document.html(allowRawHTML: true) == expected)
}

import Testing

@testable import Charts

@Suite struct FormattingTests {
  @Test(arguments: [
    (12.0, "12"), (12.5, "12.5"), (3.141_59, "3.14"), (-2.5, "-2.5"), (-0.001, "0"), (0.000_01, "0"),
    (-0.0, "0"), (0.005, "0.01"), (1e20, "1000000000000000"), (Double.nan, "0"), (-Double.infinity, "0"),
  ])
  func coordinates(value: Double, expected: String) {
    #expect(NumberFormat.coordinate(value) == expected)
  }

  @Test(arguments: [
    (0, "0"), (999, "999"), (1000, "1,000"), (12_000, "12,000"), (-1_234_567, "-1,234,567"),
    (Int.min, "-9,223,372,036,854,775,808"),
  ])
  func counts(value: Int, expected: String) {
    #expect(NumberFormat.count(value) == expected)
  }

  @Test(arguments: [
    (0.452, "45.2%"), (1.0, "100%"), (0.0, "0%"), (0.000_4, "<0.1%"), (0.5, "50%"), (Double.nan, "0%"),
    (0.001, "0.1%"), (12.5, "1,250%"),
  ])
  func percentages(share: Double, expected: String) {
    #expect(NumberFormat.percent(share) == expected)
  }

  @Test func escapingCoversMarkupQuotesAndForbiddenCharacters() {
    #expect(
      XML.escape("</text><script>alert(1)</script>") == "&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
    #expect(XML.escape("a&b'\"]]>") == "a&amp;b&apos;&quot;]]&gt;")
    #expect(XML.escape("bell\u{07}\u{FFFF}end") == "bell\u{FFFD}\u{FFFD}end")
    #expect(XML.escape("tab\tok é 日本") == "tab\tok é 日本")
    // Plain printable ASCII comes back as it is; each special character, at either end, does not.
    let plain = (0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) }.filter { !"&<>\"'".contains($0) }
    #expect(XML.escape(String(plain)) == String(plain))
    for (special, entity) in [
      ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&apos;"),
    ] {
      #expect(XML.escape(special + "ab") == entity + "ab")
      #expect(XML.escape("ab" + special) == "ab" + entity)
    }
    #expect(XML.escape("a\u{7F}") == "a\u{7F}")
    #expect(XML.escape("\u{1F}x") == "\u{FFFD}x")
  }

  @Test(arguments: [
    ("q1", "q1"), ("\"><x", "c---x"), ("", "chart"), ("9a", "c9a"), ("team alpha/é", "team-alpha--"),
    ("_x.y-z", "_x.y-z"),
  ])
  func identifiers(prefix: String, expected: String) {
    #expect(XML.identifier(prefix) == expected)
  }

  @Test func truncationFitsTheWidthAndMarksTheCut() {
    let (short, shortCut) = TextMetrics.truncate("ec2", maxWidth: 100, fontSize: 12)
    #expect(short == "ec2" && !shortCut)
    let long = "a-really-long-service-namespace-name"
    let (cut, wasCut) = TextMetrics.truncate(long, maxWidth: 80, fontSize: 12)
    #expect(wasCut)
    #expect(cut.hasSuffix("…"))
    #expect(long.hasPrefix(String(cut.dropLast())))
    #expect(TextMetrics.width(cut, fontSize: 12) <= 80)
    // One more character would not have fitted.
    let longer = String(long.prefix(cut.count)) + "…"
    #expect(TextMetrics.width(longer, fontSize: 12) > 80)
  }

  @Test func widthsGrowWithTextAndFontSize() {
    #expect(TextMetrics.width("", fontSize: 12) == 0)
    #expect(TextMetrics.width("1,000,000", fontSize: 12) > TextMetrics.width("100,000", fontSize: 12))
    #expect(TextMetrics.width("mmm", fontSize: 12) > TextMetrics.width("iii", fontSize: 12))
    #expect(TextMetrics.width("日本", fontSize: 10) == 20)
    #expect(TextMetrics.width("ab", fontSize: 20) == 2 * TextMetrics.width("ab", fontSize: 10))
  }

  @Test func tableHTMLIsEscapedAndMarksNumbers() {
    let table = ChartTable(
      caption: "<By> service", header: ["Service", "Count"], rows: [["<s3>", "1,000"]],
      numericColumns: [false, true])
    let html = table.html()
    #expect(html.contains("<caption>&lt;By&gt; service</caption>"))
    #expect(html.contains("<th scope=\"row\">&lt;s3&gt;</th><td class=\"num\">1,000</td>"))
    #expect(html.contains("<th scope=\"col\" class=\"num\">Count</th>"))
    #expect(!html.contains("<s3>"))
  }
}

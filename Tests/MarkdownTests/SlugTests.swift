import Markdown
import Testing

@Test func slugLowercasesAndJoinsWordsWithHyphens() {
  #expect(Markdown.slug("Review unused roles") == "review-unused-roles")
}

@Test func slugFoldsAccentsAndTrimsPunctuation() {
  #expect(Markdown.slug("  Héllo, Wörld!! ") == "hello-world")
  #expect(Markdown.slug("Straße Æsir Łódź Œuvre") == "strasse-aesir-lodz-oeuvre")
}

@Test func slugOfNothingIsItem() {
  #expect(Markdown.slug("") == "item")
  #expect(Markdown.slug("  !!  ") == "item")
  #expect(Markdown.slug("日本語") == "item")
}

@Test func slugDropsApostrophesAndCombiningMarksInsideWords() {
  #expect(Markdown.slug("Don't rotate the team’s keys") == "dont-rotate-the-teams-keys")
  // "e" followed by U+0301 COMBINING ACUTE ACCENT, as decomposed input spells "é".
  #expect(Markdown.slug("Re\u{301}sume\u{301}") == "resume")
}

@Test func slugSeparatesOnUnknownCharactersAndKeepsDigits() {
  #expect(Markdown.slug("s3:GetObject / IAM 2024-Q1") == "s3-getobject-iam-2024-q1")
  #expect(Markdown.slug("a🚀b") == "a-b")
  #expect(Markdown.slug("--a---b--") == "a-b")
}

@Test func slugIsCutAtSixtyFourCharactersWithoutATrailingHyphen() {
  // 63 letters, a space, then more: the cut falls right after the hyphen, which is dropped.
  let text = String(repeating: "a", count: 63) + " bcd"
  #expect(Markdown.slug(text) == String(repeating: "a", count: 63))
  let long = String(repeating: "word ", count: 40)
  let slug = Markdown.slug(long)
  #expect(slug.count == 64)
  #expect(slug == String(repeating: "word-", count: 12) + "word")
}

@Test func escapeHTMLReplacesTheFiveSpecialCharacters() {
  #expect(
    Markdown.escapeHTML(#"<a href="x">Tom & Jerry's</a>"#)
      == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
  #expect(Markdown.escapeHTML("plain ü") == "plain ü")
}

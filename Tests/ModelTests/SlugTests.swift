import Model
import Testing

@Suite struct SlugTests {
  @Test(arguments: [
    ("Payments Platform", "payments-platform"),
    ("  Hello, World!  ", "hello-world"),
    ("team__a--b", "team-a-b"),
    ("ABC123", "abc123"),
    ("2026-Q4", "2026-q4"),
    ("Café Straße", "caf-stra-e"),
    ("naïve résumé", "na-ve-r-sum"),
    ("日本語のチーム", "item"),
    ("data 📊 team", "data-team"),
    ("role/service-role/etl-runner", "role-service-role-etl-runner"),
    ("arn:aws:iam::111122223333:role/x", "arn-aws-iam-111122223333-role-x"),
  ])
  func readableIdentifiers(text: String, slug: String) {
    #expect(Slug.make(text) == slug)
  }

  @Test(arguments: ["../../etc/passwd", "..\\..\\etc\\passwd", "/etc/passwd", "./.hidden", "..", "a/../b"])
  func noDotsOrSlashesSurvive(text: String) {
    let slug = Slug.make(text)
    #expect(!slug.contains("."))
    #expect(!slug.contains("/"))
    #expect(!slug.contains("\\"))
    #expect(!slug.isEmpty)
  }

  @Test func asciiTextGivesTheSlugThatReadingItCharacterByCharacterGives() {
    // ASCII text is read as bytes; a trailing character that is dropped sends the same text the
    // other way, scalar by scalar.
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("aZ09-_ ./:\\!@#~AzcOnLpT9\u{7F}\t")
    for _ in 0..<500 {
      let text = String(
        (0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement()! })
      for maxLength in [0, 1, 2, 3, 4, 64] {
        #expect(
          Slug.make(text, maxLength: maxLength) == Slug.make(text + "\u{65E5}", maxLength: maxLength),
          "\(text)")
      }
    }
  }

  @Test func pathTraversalBecomesAPlainName() {
    #expect(Slug.make("../../etc/passwd") == "etc-passwd")
    #expect(Slug.make("..") == "item")
    #expect(Slug.make("a/../b") == "a-b")
  }

  @Test func deviceNamesGetTheFallbackAsASuffix() {
    #expect(Slug.make("CON") == "con-item")
    #expect(Slug.make("Lpt9", fallback: "team") == "lpt9-team")
    #expect(Slug.make("nul!") == "nul-item")
    #expect(Slug.make("console") == "console")
    #expect(Slug.make("com10") == "com10")
  }

  @Test func emptyOrUnusableTextGivesTheFallback() {
    #expect(Slug.make("") == "item")
    #expect(Slug.make("!!!") == "item")
    #expect(Slug.make("   ") == "item")
    #expect(Slug.make("", fallback: "unnamed") == "unnamed")
    #expect(Slug.make("---", fallback: "x") == "x")
  }

  @Test func longTextIsCutToTheMaximumLength() {
    #expect(Slug.make(String(repeating: "a", count: 100)) == String(repeating: "a", count: 64))
    #expect(Slug.make("abcdef", maxLength: 3) == "abc")
    #expect(Slug.make("abc def", maxLength: 3) == "abc")
    #expect(Slug.make("abc def", maxLength: 5) == "abc-d")
  }

  @Test func aHyphenAtTheCutDoesNotMakeTheSlugTooLong() {
    #expect(Slug.make("ab cd", maxLength: 3) == "ab")
    #expect(Slug.make("abc def", maxLength: 4) == "abc")
    #expect(Slug.make(String(repeating: "a", count: 63) + " b").count <= 64)

  }

  @Test func slugsOnlyHoldLowerCaseLettersDigitsAndSingleInnerHyphens() {
    let texts = [
      "Payments Platform", " -x- ", "A__B", "ÄÖÜ team 9", "tab\tand\nnewline", "emoji 🎉🎉 end", "...", "x",
      "Role: Payments/API (prod)", String(repeating: "ab-", count: 40),
    ]
    for text in texts {
      let slug = Slug.make(text)
      let allowed = slug.unicodeScalars.allSatisfy {
        ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
      }
      #expect(allowed, "\(text) gave \(slug)")
      #expect(!slug.hasPrefix("-") && !slug.hasSuffix("-"), "\(text) gave \(slug)")
      #expect(!slug.contains("--"), "\(text) gave \(slug)")
    }
  }
}

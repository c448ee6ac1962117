import Model
import Testing

@Suite struct FNV1aTests {
  @Test func caselessValueIsTheHashOfTheLowerCasedText() {
    for text in ["", "s3:GetObject", "S3:GETOBJECT", "iam:Pass@Role[x]_`{}", "Z"] {
      var lower = FNV1a()
      lower.add(text.lowercased())
      #expect(FNV1a.caselessASCIIValue(of: text) == lower.value, "\(text)")
    }
    var prefix = FNV1a()
    prefix.add("permission ")
    var whole = prefix
    whole.add("kms:decrypt")
    #expect(FNV1a.caselessASCIIValue(of: "KMS:Decrypt", from: prefix.value) == whole.value)
  }

  @Test func caselessValueLeavesNonASCIIToUnicodeRules() {
    #expect(FNV1a.caselessASCIIValue(of: "kms:Décrypt") == nil)
    #expect(FNV1a.caselessASCIIValue(of: "ec2:Describe\u{212A}ey") == nil)
  }
}

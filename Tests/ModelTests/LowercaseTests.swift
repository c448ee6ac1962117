import Model
import Testing

@Suite struct FastLowercasedTests {
  @Test func lowersASCIIAndLeavesTheRestToUnicodeRules() {
    #expect("ec2:StartInstances".fastLowercased() == "ec2:startinstances")
    #expect("s3:getobject".fastLowercased() == "s3:getobject")
    #expect("AZ@[`az{".fastLowercased() == "az@[`az{")
    #expect("".fastLowercased() == "")
    #expect("ÉCOLE:Ärger".fastLowercased() == "école:ärger")
  }

  @Test func agreesWithLowercasedOnEveryASCIIByte() {
    let every = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
    #expect(every.fastLowercased() == every.lowercased())
  }
}

import Testing

@testable import PermsiteKit

@Suite struct HugePagesTests {
  let onRequest = "always [madvise] never\n"

  @Test func withoutTunablesTheSettingIsAddedAlone() {
    #expect(
      HugePages.tunablesToRelaunchWith(current: nil, transparentHugePages: onRequest)
        == "glibc.malloc.hugetlb=1")
    #expect(
      HugePages.tunablesToRelaunchWith(current: "", transparentHugePages: onRequest)
        == "glibc.malloc.hugetlb=1")
  }

  @Test func otherTunablesAreKept() {
    #expect(
      HugePages.tunablesToRelaunchWith(
        current: "glibc.malloc.tcache_count=0", transparentHugePages: onRequest)
        == "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1")
  }

  @Test func aHugePageSettingAlreadyGivenIsLeftAlone() {
    // Also what ends the relaunch: the started-again process finds its own setting.
    #expect(
      HugePages.tunablesToRelaunchWith(current: "glibc.malloc.hugetlb=1", transparentHugePages: onRequest)
        == nil)
    #expect(
      HugePages.tunablesToRelaunchWith(
        current: "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=0", transparentHugePages: onRequest) == nil
    )
  }

  @Test func nothingIsDoneUnlessTheKernelGivesHugePagesOnRequest() {
    #expect(
      HugePages.tunablesToRelaunchWith(current: nil, transparentHugePages: "always madvise [never]\n") == nil)
    #expect(
      HugePages.tunablesToRelaunchWith(current: nil, transparentHugePages: "[always] madvise never\n") == nil)
    #expect(HugePages.tunablesToRelaunchWith(current: nil, transparentHugePages: nil) == nil)
  }
}

import Foundation

/// Starting the build over with glibc's allocator asking the kernel for huge pages
/// (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`), where the system grants them only on request.
///
/// A large organisation's build allocates well over a gigabyte; in 4 KB pages that was about
/// 480,000 page faults, and 2 MB pages cut them to 150,000-200,000 and the build's CPU time by
/// about 3 % (alternating runs of the 100,000-principal nightly build, see the README). glibc
/// reads its tunables only when a process starts, so the program starts itself again with the
/// setting added. A `GLIBC_TUNABLES` that already names `glibc.malloc.hugetlb` is left as it
/// is: `glibc.malloc.hugetlb=0` turns this off.
public enum HugePages {
  /// The `GLIBC_TUNABLES` value to start again with, or nil when starting again would change
  /// nothing: the setting is already there, or the kernel's transparent huge pages are off
  /// (`[never]`) or on for every allocation anyway (`[always]`).
  ///
  /// - Parameters:
  ///   - tunables: the current `GLIBC_TUNABLES`, if set.
  ///   - transparentHugePages: the contents of
  ///     `/sys/kernel/mm/transparent_hugepage/enabled`, nil when unreadable.
  public static func tunablesToRelaunchWith(current tunables: String?, transparentHugePages: String?)
    -> String?
  {
    guard let transparentHugePages, transparentHugePages.contains("[madvise]") else { return nil }
    let setting = "glibc.malloc.hugetlb=1"
    guard let tunables, !tunables.isEmpty else { return setting }
    guard !tunables.contains("glibc.malloc.hugetlb") else { return nil }
    return tunables + ":" + setting
  }

  /// Replaces the process with the same program and arguments, `GLIBC_TUNABLES` set as
  /// `tunablesToRelaunchWith` says; returns (doing nothing) when it says nil, off Linux, or when
  /// the program cannot be started again, in which case the build goes on as it is.
  public static func relaunchIfUseful() {
    #if os(Linux)
      let enabled = try? String(
        contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)
      let original = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"]
      guard let tunables = tunablesToRelaunchWith(current: original, transparentHugePages: enabled),
        setenv("GLIBC_TUNABLES", tunables, 1) == 0
      else { return }
      // The running program's own file, even if it was replaced on disk since it started.
      execv("/proc/self/exe", CommandLine.unsafeArgv)
      // Still here: the exec failed. The setting is only a speed-up, so the build goes on without
      // it, and programs it starts get the environment it was given.
      if let original { setenv("GLIBC_TUNABLES", original, 1) } else { unsetenv("GLIBC_TUNABLES") }
    #endif
  }
}

import Foundation

/// The credential report's columns, in the order IAM writes them.
enum CredentialReportColumns {
  static let names: [String] =
    ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    + "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    + "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
    + "cert_2_active,cert_2_last_rotated").split(separator: ",").map(String.init)

  /// The header line, without a line break.
  static let header: [UInt8] = Array(names.joined(separator: ",").utf8)
}

extension AccountSimulation {
  /// When the account was created (and its root user with it): two and a half to six years before
  /// the first snapshot, always before any principal of the account.
  var accountCreatedAt: Int64 {
    var rng = SplitMix64(seed, 0xACC0_C4EA, UInt64(account.index))
    let candidate =
      start(of: days[0]) - Int64(rng.within(900...2200)) * AccountSimulation.dayMilliseconds
      + Int64(rng.below(86_400_000))
    let earliest = principals.reduce(candidate) { min($0, $1.createdAt) }
    return (min(candidate, earliest - 86_400_000)) / 1000 * 1000
  }

  /// When IAM generated the report the export downloaded: early on the snapshot's day.
  func credentialReportGeneratedAt(_ snapshot: Int) -> Int64 {
    var rng = SplitMix64(seed, 0xC2ED_7E9, UInt64(account.index), UInt64(snapshot))
    return (analyzedAt(snapshot) + Int64(rng.within(600_000...3_000_000))) / 1000 * 1000
  }

  /// The decoded credential report at `snapshot`: the header, the root user, then every IAM user
  /// alive then, by name, with its password and (not deleted) access keys, as the simulation has
  /// them, and the sentinels IAM documents: `N/A` (no password, no key, a key never used),
  /// `no_information` (a password never used) and `not_supported` (the root user's password
  /// fields). No line break follows the last row, as in the report IAM returns.
  func renderCredentialReport(_ snapshot: Int, into writer: inout JSONWriter) {
    let created = accountCreatedAt
    writer.bytes.append(contentsOf: CredentialReportColumns.header)
    func field(_ text: StaticString) {
      writer.bytes.append(UInt8(ascii: ","))
      writer.append(text)
    }
    func field(_ text: String) {
      writer.bytes.append(UInt8(ascii: ","))
      writer.bytes.append(contentsOf: Array(text.utf8))
    }
    func date(_ time: Int64) {
      writer.bytes.append(UInt8(ascii: ","))
      writer.appendTimestamp(milliseconds: time, style: .seconds)
    }
    func noKey() {
      field("false")
      for _ in 0..<4 { field("N/A") }
    }
    func key(_ key: Credential, service: String) {
      field("true")
      date(key.createdAt)
      if key.lastUsed >= 0 {
        date(key.lastUsed)
        field(account.region)
        field(service)
      } else {
        for _ in 0..<3 { field("N/A") }
      }
    }

    // The root user.
    writer.bytes.append(UInt8(ascii: "\n"))
    writer.append("<root_account>,arn:aws:iam::")
    writer.bytes.append(contentsOf: Array(account.id.utf8))
    writer.append(":root")
    date(created)
    field("not_supported")
    if account.rootPasswordUsed {
      var rng = SplitMix64(seed, 0x2007, UInt64(account.index))
      date(created + Int64(rng.within(3_600_000...(20 * 86_400_000))))
    } else {
      field("no_information")
    }
    field("not_supported")
    field("not_supported")
    // The account with a root access key has no root MFA either: both classic findings.
    field(account.rootAccessKey ? "false" : "true")
    if account.rootAccessKey {
      var rootKey = Credential(keyID: "", lastUsed: -1)
      rootKey.createdAt = created + 2 * 86_400_000 + 4_242_000
      rootKey.lastUsed = max(
        rootKey.createdAt + 86_400_000,
        start(of: days[0]) - 137 * AccountSimulation.dayMilliseconds + 31_234_000)
      key(rootKey, service: "s3")
    } else {
      noKey()
    }
    noKey()
    for _ in 0..<2 {
      field("false")
      field("N/A")
    }

    for p in principals where p.purpose.isUser && p.isAlive(at: snapshot) {
      writer.bytes.append(UInt8(ascii: "\n"))
      writer.bytes.append(contentsOf: Array(p.name.utf8))
      field(p.arn)
      date(p.createdAt)
      if let password = p.password, !password.removed {
        field("true")
        if password.lastUsed >= 0 { date(password.lastUsed) } else { field("no_information") }
        date(password.createdAt)
        field("N/A")
      } else {
        field("false")
        for _ in 0..<3 { field("N/A") }
      }
      let mfa = p.password != nil && Mix.hash(seed, UInt64(account.index), UInt64(p.ordinal), 0x3FA) % 10 < 7
      field(mfa ? "true" : "false")
      let keys = p.accessKeys.filter { !$0.removed }
      for slot in 0..<2 {
        if slot < keys.count {
          key(keys[slot], service: keyService(p, keyID: keys[slot].keyID))
        } else {
          noKey()
        }
      }
      for _ in 0..<2 {
        field("false")
        field("N/A")
      }
    }
  }

  /// The service a user's access key was last used with: one the user's policies grant.
  private func keyService(_ p: SimPrincipal, keyID: String) -> String {
    let services = p.grants.map { Catalog.services[$0.service].namespace }
    guard !services.isEmpty else { return "sts" }
    return services[Int(Mix.hash(keyID) % UInt64(services.count))]
  }

  /// The `aws iam get-credential-report` response: the report base64-encoded in `Content`.
  func renderCredentialReportResponse(_ snapshot: Int, report: [UInt8], into writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("Content")
    writer.string(Data(report).base64EncodedString())
    writer.key("ReportFormat")
    writer.string("text/csv")
    writer.key("GeneratedTime")
    writer.timestamp(
      milliseconds: credentialReportGeneratedAt(snapshot),
      style: account.zuluTimestamps ? .zuluMilliseconds : .seconds)
    writer.endObject()
    writer.newline()
  }
}

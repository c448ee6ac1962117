import Foundation
import Model
import Sample
import Testing

/// Services whose actions last-accessed jobs track at `ACTION_LEVEL` in the sample.
private let trackedServices: Set<String> = ["dynamodb", "ec2", "iam", "lambda", "rds", "s3"]

/// Whether a last use (nil: never) makes access unused at `day`: more than 90 days before it.
private func isUnused(_ value: Any?, at day: Day) -> Bool {
  guard let text = value as? String else { return true }
  guard let time = Timestamp(iso: text) else {
    Issue.record("unparseable time \(text)")
    return false
  }
  return time.day < day.adding(days: -90)
}

/// Whether a last use falls within the week before `day` (the sample's "used recently").
private func isRecent(_ value: Any?, at day: Day) -> Bool {
  guard let text = value as? String, let time = Timestamp(iso: text) else { return false }
  return time.day >= day.adding(days: -7) && time.day <= day
}

/// `service:action` (lower case) and `service:*` items an unused-permission finding reports.
private func analyzerItems(_ finding: [String: Any]) -> Set<String> {
  var items = Set<String>()
  for detail in finding["findingDetails"] as? [[String: Any]] ?? [] {
    guard let body = detail["unusedPermissionDetails"] as? [String: Any] else { continue }
    let service = (body["serviceNamespace"] as! String).lowercased()
    guard let actions = body["actions"] as? [[String: Any]] else {
      items.insert(service + ":*")
      continue
    }
    for action in actions {
      let name = (action["action"] as! String).split(separator: ":").last!.lowercased()
      items.insert(service + ":" + name)
    }
  }
  return items
}

/// What a last-accessed response shows unused: each unused tracked action where the service has
/// tracked actions, otherwise the service as `service:*`.
private func lastAccessedItems(_ response: [String: Any], at day: Day) -> Set<String> {
  var items = Set<String>()
  for service in response["ServicesLastAccessed"] as? [[String: Any]] ?? [] {
    let namespace = service["ServiceNamespace"] as! String
    if let tracked = service["TrackedActionsLastAccessed"] as? [[String: Any]] {
      for action in tracked where isUnused(action["LastAccessedTime"], at: day) {
        items.insert(namespace + ":" + (action["ActionName"] as! String).lowercased())
      }
    } else if isUnused(service["LastAuthenticated"], at: day) {
      items.insert(namespace + ":*")
    }
  }
  return items
}

/// Whether `action` (`service:action`, lower case) is among `items`, directly or by its service.
private func covers(_ items: Set<String>, _ action: String) -> Bool {
  items.contains(action) || items.contains(String(action.split(separator: ":")[0]) + ":*")
}

/// Inline policy name to document, per principal ARN.
private func inlinePolicies(_ account: AccountSnapshot) -> [String: [String: [String: Any]]] {
  var result: [String: [String: [String: Any]]] = [:]
  for entry in account.roles + account.users {
    var policies: [String: [String: Any]] = [:]
    for policy in (entry["RolePolicyList"] ?? entry["UserPolicyList"]) as? [[String: Any]] ?? [] {
      policies[policy["PolicyName"] as! String] = LoadedSample.document(policy["PolicyDocument"])
    }
    result[entry["Arn"] as! String] = policies
  }
  return result
}

@Suite("Other analysis sources")
struct SourceTests {
  @Test("Every source is written, each by the accounts that export it")
  func sourcesExist() throws {
    let sample = try LoadedSample.standard.get()
    let newest = sample.snapshots.last!.accounts
    #expect(newest.contains { $0.findingsFileName.hasSuffix(".jsonl") })
    #expect(newest.contains { $0.findingsFileName.hasSuffix(".json") })
    #expect(newest.contains { $0.lastAccessed != nil })
    #expect(newest.contains { $0.credentialReportFileName?.hasSuffix(".csv") == true })
    #expect(newest.contains { $0.credentialReportFileName?.hasSuffix(".json") == true })
    #expect(newest.contains { $0.recommendations != nil })
    #expect(newest.filter { $0.findingSummaries != nil }.count == 1)
    // Teams without the analyzer: last-accessed data, credential report and inventory only.
    let withoutAnalyzer = newest.filter { !$0.hasFindings }
    #expect((1...2).contains(withoutAnalyzer.count))
    for account in withoutAnalyzer {
      #expect(account.lastAccessed != nil && account.credentialReportCSV != nil)
      #expect(account.recommendations == nil && account.findingSummaries == nil)
    }
    // Accounts showing Access Analyzer data only.
    #expect(newest.contains { $0.hasFindings && $0.lastAccessed == nil && $0.credentialReportCSV == nil })
    // Both job granularities.
    let types = Set(newest.compactMap { $0.lastAccessed?.first?["JobType"] as? String })
    #expect(types == ["ACTION_LEVEL", "SERVICE_LEVEL"])
    // An account exports the same sources at every snapshot.
    func signature(_ account: AccountSnapshot) -> [Bool] {
      [
        account.hasFindings, account.lastAccessed != nil, account.credentialReportFileName != nil,
        account.findingSummaries != nil,
      ]
    }
    let expected = Dictionary(uniqueKeysWithValues: newest.map { ($0.accountID, signature($0)) })
    for snapshot in sample.snapshots {
      #expect(snapshot.accounts.count == newest.count)
      for account in snapshot.accounts {
        #expect(signature(account) == expected[account.accountID], "\(account.accountID) at \(snapshot.day)")
      }
    }
    // The summary counts what was written.
    let all = sample.snapshots.flatMap(\.accounts)
    let sources = sample.summary.sources
    #expect(sources.findingsFiles == all.filter(\.hasFindings).count)
    #expect(sources.inventoryFiles == all.count)
    #expect(sources.lastAccessedFiles == all.filter { $0.lastAccessed != nil }.count)
    #expect(sources.credentialReportFiles == all.filter { $0.credentialReportFileName != nil }.count)
    #expect(sources.recommendationFiles == all.filter { $0.recommendations != nil }.count)
    #expect(sources.findingSummaryFiles == all.filter { $0.findingSummaries != nil }.count)
    #expect(sources.accountsWithAnalyzer == newest.filter(\.hasFindings).count)
    #expect(sources.accountsWithLastAccessed == newest.filter { $0.lastAccessed != nil }.count)
    #expect(sources.accountsWithCredentialReport == newest.filter { $0.credentialReportCSV != nil }.count)
    #expect(sources.lastAccessedResponses == newest.reduce(0) { $0 + ($1.lastAccessed?.count ?? 0) })
    #expect(sources.recommendations == newest.reduce(0) { $0 + ($1.recommendations?.count ?? 0) })
  }

  @Test("Last-accessed responses have botocore's shape, one per role and user")
  func lastAccessedShape() throws {
    let sample = try LoadedSample.standard.get()
    var timestampForms = Set<String>()
    for snapshot in sample.snapshots {
      var unfinished: [String: Int] = [:]
      for account in snapshot.accounts {
        guard let responses = account.lastAccessed else { continue }
        #expect(Set(responses.compactMap { $0["Arn"] as? String }) == account.principalARNs)
        #expect(responses.count == account.principalARNs.count)
        #expect(Set(responses.compactMap { $0["JobType"] as? String }).count == 1)
        for response in responses {
          let arn = try #require(response["Arn"] as? String)
          let status = try #require(response["JobStatus"] as? String)
          #expect(["COMPLETED", "IN_PROGRESS", "FAILED"].contains(status))
          let jobType = try #require(response["JobType"] as? String)
          #expect(["SERVICE_LEVEL", "ACTION_LEVEL"].contains(jobType))
          let created = try #require(Timestamp(iso: response["JobCreationDate"] as? String ?? ""))
          #expect(created.day == snapshot.day)
          #expect(response["IsTruncated"] as? Bool == false)
          let services = try #require(response["ServicesLastAccessed"] as? [[String: Any]])
          #expect((response["JobCompletionDate"] != nil) == (status != "IN_PROGRESS"))
          if let completed = response["JobCompletionDate"] as? String {
            #expect(Timestamp(iso: completed).map { created <= $0 } == true)
          }
          if status != "COMPLETED" {
            unfinished[status, default: 0] += 1
            #expect(services.isEmpty)
            let error = response["Error"] as? [String: Any]
            #expect((error != nil) == (status == "FAILED"))
            if let error { #expect(error["Message"] is String && error["Code"] is String) }
            continue
          }
          #expect(response["Error"] == nil)
          #expect(!services.isEmpty, "\(arn) has no services")
          let namespaces = services.compactMap { $0["ServiceNamespace"] as? String }
          #expect(namespaces == namespaces.sorted() && Set(namespaces).count == namespaces.count)
          for service in services {
            let namespace = try #require(service["ServiceNamespace"] as? String)
            #expect(service["ServiceName"] is String)
            let total = try #require(service["TotalAuthenticatedEntities"] as? Int)
            if let last = service["LastAuthenticated"] as? String {
              timestampForms.insert(last.hasSuffix("Z") ? "Z" : last.contains(".") ? "fraction" : "seconds")
              #expect(total == 1)
              #expect(service["LastAuthenticatedEntity"] as? String == arn)
              #expect(service["LastAuthenticatedRegion"] is String)
              #expect(Timestamp(iso: last).map { $0 <= created } == true)
            } else {
              #expect(total == 0)
              #expect(service["LastAuthenticatedEntity"] == nil)
            }
            let tracked = service["TrackedActionsLastAccessed"] as? [[String: Any]]
            // Tracked actions are listed in action-level jobs, unless none was used in the
            // tracking period (AWS documents the field as null then).
            #expect(
              (tracked != nil)
                == (jobType == "ACTION_LEVEL" && trackedServices.contains(namespace)
                  && service["LastAuthenticated"] != nil))
            var latest: Timestamp?
            for action in tracked ?? [] {
              #expect(action["ActionName"] is String)
              if let time = action["LastAccessedTime"] as? String {
                let parsed = try #require(Timestamp(iso: time))
                latest = max(latest ?? parsed, parsed)
                #expect(action["LastAccessedEntity"] as? String == arn)
                #expect(action["LastAccessedRegion"] is String)
              } else {
                #expect(action.count == 1, "an action never used has only its name")
              }
            }
            // The service's last use is that of its latest tracked action.
            if tracked != nil, latest != nil {
              #expect(latest == Timestamp(iso: service["LastAuthenticated"] as? String ?? ""))
            }
          }
        }
      }
      // One account has one job still in progress and one failed.
      #expect(unfinished == ["IN_PROGRESS": 1, "FAILED": 1], "at \(snapshot.day)")
    }
    #expect(timestampForms == ["fraction", "seconds"] || timestampForms.count == 3)
  }

  @Test("Last-accessed data shows used access as recent and unused access as unused")
  func lastAccessedTimes() throws {
    let sample = try LoadedSample.standard.get()
    var recent = 0
    var unused = 0
    for snapshot in sample.snapshots {
      for account in snapshot.accounts {
        for response in account.lastAccessed ?? [] {
          for service in response["ServicesLastAccessed"] as? [[String: Any]] ?? [] {
            var times = [service["LastAuthenticated"]]
            for action in service["TrackedActionsLastAccessed"] as? [[String: Any]] ?? [] {
              times.append(action["LastAccessedTime"])
            }
            for time in times {
              if isUnused(time, at: snapshot.day) {
                unused += 1
              } else {
                #expect(isRecent(time, at: snapshot.day), "\(time ?? "") neither unused nor recent")
                recent += 1
              }
            }
          }
        }
      }
    }
    #expect(recent > 1000 && unused > 1000)
  }

  @Test("Last-accessed data agrees with the analyzer's open unused permissions")
  func lastAccessedAgreesWithFindings() throws {
    let sample = try LoadedSample.standard.get()
    var compared = 0
    var actionLevel = 0
    var unusedRoles = 0
    for snapshot in sample.snapshots {
      let day = snapshot.day
      for account in snapshot.accounts where account.hasFindings {
        guard let responses = account.lastAccessed else { continue }
        var byARN: [String: [String: Any]] = [:]
        for response in responses { byARN[response["Arn"] as! String] = response }
        let grants = LoadedSample.inlineGrants(account)
        for finding in account.findings where finding["status"] as? String == "ACTIVE" {
          let arn = finding["resource"] as! String
          let response = try #require(byARN[arn], "no last-accessed data for \(arn)")
          guard response["JobStatus"] as? String == "COMPLETED" else { continue }
          let shown = lastAccessedItems(response, at: day)
          let services = (response["ServicesLastAccessed"] as! [[String: Any]]).map {
            ($0["ServiceNamespace"] as! String, $0)
          }
          let serviceByName = Dictionary(uniqueKeysWithValues: services)
          switch finding["findingType"] as? String {
          case "UnusedIAMRole":
            // Nothing the role may do was used in the tracking window.
            #expect(
              shown.count
                == services.reduce(0) { $0 + (($1.1["TrackedActionsLastAccessed"] as? [Any])?.count ?? 1) },
              "\(arn) is an unused role but last-accessed data shows use")
            unusedRoles += 1
          case "UnusedPermission":
            let reported = analyzerItems(finding)
            // Every open unused permission is unused in last-accessed data, at the level it shows.
            for item in reported {
              compared += 1
              let service = String(item.split(separator: ":")[0])
              if covers(shown, item) { continue }
              let entry = serviceByName[service]
              let hiddenInService =
                !item.hasSuffix(":*") && entry != nil && entry!["TrackedActionsLastAccessed"] == nil
                && !isUnused(entry!["LastAuthenticated"], at: day)
              #expect(hiddenInService, "\(item) of \(arn) is not unused in last-accessed data at \(day)")
            }
            if responses.first?["JobType"] as? String == "ACTION_LEVEL" { actionLevel += reported.count }
            // And everything last-accessed data shows unused, the analyzer reports.
            let granted = grants[arn] ?? []
            for item in shown {
              if item.hasSuffix(":*") {
                let service = item.dropLast()
                let inService = granted.filter { $0.hasPrefix(service) }
                #expect(
                  reported.contains(item) || (!inService.isEmpty && inService.allSatisfy(reported.contains)),
                  "\(item) of \(arn) is unused in last-accessed data only")
              } else {
                #expect(reported.contains(item), "\(item) of \(arn) is unused in last-accessed data only")
              }
            }
          default:
            continue
          }
        }
      }
    }
    #expect(compared > 5000)
    #expect(actionLevel > 500)
    #expect(unusedRoles > 20)
  }

  @Test("Credential reports have AWS's 22 columns, the root user first, and documented sentinels")
  func credentialReportShape() throws {
    let sample = try LoadedSample.standard.get()
    let header = [
      "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
      "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
      "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
      "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
      "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active",
      "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
    ]
    func isDate(_ text: String) -> Bool {
      text.count == 25 && text.hasSuffix("+00:00") && Timestamp(iso: text) != nil
    }
    func check(_ value: String, _ allowed: [String], date: Bool = false, _ context: String) {
      #expect(allowed.contains(value) || (date && isDate(value)), "\(context): unexpected \(value)")
    }
    var rootKeys = 0
    var users = 0
    for snapshot in sample.snapshots {
      rootKeys = 0
      for account in snapshot.accounts {
        guard let name = account.credentialReportFileName else { continue }
        if let response = account.credentialReportResponse {
          #expect(Set(response.keys) == ["Content", "ReportFormat", "GeneratedTime"])
          #expect(response["ReportFormat"] as? String == "text/csv")
          let generated = try #require(Timestamp(iso: response["GeneratedTime"] as? String ?? ""))
          #expect(generated.day == snapshot.day)
        }
        let rows = account.credentialReportRows
        #expect(rows.first == header, "\(name) header")
        #expect(rows.allSatisfy { $0.count == 22 }, "\(name) has a row without 22 columns")
        guard rows.count >= 2, rows.allSatisfy({ $0.count == 22 }) else { continue }
        let root = rows[1]
        #expect(root[0] == "<root_account>")
        #expect(root[1] == "arn:aws:iam::" + account.accountID + ":root")
        #expect(isDate(root[2]))
        for index in [3, 5, 6] { #expect(root[index] == "not_supported") }
        check(root[4], ["no_information"], date: true, "root password_last_used")
        check(root[7], ["true", "false"], "root mfa_active")
        if root[8] == "true" { rootKeys += 1 }
        // Users, each once, as the inventory lists them.
        let userRows = rows.dropFirst(2)
        #expect(Set(userRows.map { $0[1] }) == Set(account.users.map { $0["Arn"] as! String }))
        #expect(userRows.count == account.users.count)
        for row in rows.dropFirst(1) {
          let context = "\(name) \(row[0]) at \(snapshot.day)"
          #expect(isDate(row[2]), "\(context) user_creation_time")
          if row[0] != "<root_account>" {
            #expect(row[1].hasSuffix(":user/" + row[0]))
            check(row[3], ["true", "false"], context)
            if row[3] == "true" {
              check(row[4], ["no_information"], date: true, context)
              #expect(isDate(row[5]), "\(context) password_last_changed")
            } else {
              #expect(row[4] == "N/A" && row[5] == "N/A", "\(context)")
            }
            check(row[6], ["N/A"], date: true, context)
            check(row[7], ["true", "false"], context)
            users += 1
          }
          for key in [8, 13] {
            check(row[key], ["true", "false"], context)
            if row[key] == "true" {
              #expect(isDate(row[key + 1]), "\(context) key last rotated")
              check(row[key + 2], ["N/A"], date: true, context)
              // Region and service are known exactly when the key was used.
              #expect(
                (row[key + 2] == "N/A") == (row[key + 3] == "N/A")
                  && (row[key + 3] == "N/A") == (row[key + 4] == "N/A"))
              if isDate(row[key + 2]) {
                #expect(row[key + 1] <= row[key + 2], "\(context) used before created")
              }
            } else {
              #expect(row[(key + 1)...(key + 4)].allSatisfy { $0 == "N/A" }, "\(context)")
            }
          }
          #expect(row[18] == "false" && row[19] == "N/A" && row[20] == "false" && row[21] == "N/A")
        }
      }
      // A classic finding: one account's root user has an active access key.
      #expect(rootKeys == 1, "at \(snapshot.day)")
    }
    #expect(users > 30)
  }

  @Test("Credential reports agree with the analyzer's unused passwords and access keys")
  func credentialReportAgreesWithFindings() throws {
    let sample = try LoadedSample.standard.get()
    var unusedPasswords = 0
    var unusedKeys = 0
    var usedCredentials = 0
    for snapshot in sample.snapshots {
      let day = snapshot.day
      for account in snapshot.accounts where account.hasFindings && account.credentialReportCSV != nil {
        // Open findings by user and type, details or summaries.
        var open: [String: Int] = [:]
        for finding in account.findingsByID.values where finding["status"] as? String == "ACTIVE" {
          open[(finding["resource"] as! String) + " " + (finding["findingType"] as! String), default: 0] += 1
        }
        for row in account.credentialReportRows.dropFirst(2) {
          let arn = row[1]
          let passwordUnused = row[3] == "true" && (row[4] == "no_information" || isUnused(row[4], at: day))
          #expect(
            passwordUnused == (open[arn + " UnusedIAMUserPassword"] != nil),
            "\(arn) password at \(day): report and findings disagree")
          if passwordUnused { unusedPasswords += 1 }
          if row[3] == "true", !passwordUnused {
            #expect(isRecent(row[4], at: day))
            usedCredentials += 1
          }
          var keysUnused = 0
          for key in [8, 13] where row[key] == "true" {
            if row[key + 2] == "N/A" || isUnused(row[key + 2], at: day) {
              keysUnused += 1
            } else {
              #expect(isRecent(row[key + 2], at: day))
              usedCredentials += 1
            }
          }
          #expect(
            keysUnused == open[arn + " UnusedIAMUserAccessKey", default: 0],
            "\(arn) access keys at \(day): report and findings disagree")
          unusedKeys += keysUnused
        }
      }
    }
    #expect(unusedPasswords > 5 && unusedKeys > 5 && usedCredentials > 20)
  }

  @Test("Recommendations remove exactly the unused actions from the inventory's policies")
  func recommendations() throws {
    let sample = try LoadedSample.standard.get()
    var created = 0
    var detached = 0
    var recommended = 0
    var eligible = 0
    for (index, snapshot) in sample.snapshots.enumerated() {
      var statuses: [String: Int] = [:]
      for account in snapshot.accounts {
        let openPermissionFindings = account.findingsByID.values.filter {
          $0["findingType"] as? String == "UnusedPermission" && $0["status"] as? String == "ACTIVE"
        }
        eligible += openPermissionFindings.count
        guard let lines = account.recommendations else { continue }
        #expect(account.hasFindings)
        let openARNs = Set(openPermissionFindings.map { $0["resource"] as! String })
        var unusedByARN: [String: Set<String>] = [:]
        for finding in account.findings
        where finding["findingType"] as? String == "UnusedPermission"
          && finding["status"] as? String == "ACTIVE"
        {
          unusedByARN[finding["resource"] as! String] = analyzerItems(finding)
        }
        let policies = inlinePolicies(account)
        for line in lines {
          for field in ["startedAt", "resourceArn", "recommendationType", "status"] {
            #expect(line[field] != nil, "recommendation lacks \(field)")
          }
          #expect(line["recommendationType"] as? String == "UnusedPermissionRecommendation")
          let arn = try #require(line["resourceArn"] as? String)
          #expect(openARNs.contains(arn), "\(arn) has no open unused-permission finding at \(snapshot.day)")
          let started = try #require(Timestamp(iso: line["startedAt"] as? String ?? ""))
          #expect(started.day == snapshot.day)
          let status = try #require(line["status"] as? String)
          statuses[status, default: 0] += 1
          recommended += 1
          switch status {
          case "IN_PROGRESS":
            #expect(line["completedAt"] == nil && line["recommendedSteps"] == nil && line["error"] == nil)
            continue
          case "FAILED":
            let error = try #require(line["error"] as? [String: Any])
            #expect(error["code"] as? String == "SERVICE_ERROR" && error["message"] is String)
            #expect(line["recommendedSteps"] == nil)
            continue
          case "SUCCEEDED":
            #expect(Timestamp(iso: line["completedAt"] as? String ?? "").map { started <= $0 } == true)
          default:
            Issue.record("unknown status \(status)")
            continue
          }
          let steps = try #require(line["recommendedSteps"] as? [[String: Any]])
          #expect(!steps.isEmpty)
          // Known only by summary: the recommendation cannot be checked against details.
          guard let unused = unusedByARN[arn] else { continue }
          let isUnusedAction = { (action: String) in covers(unused, action) }
          var stepped = Set<String>()
          for step in steps {
            let body = try #require(step["unusedPermissionsRecommendedStep"] as? [String: Any])
            let name = try #require(body["existingPolicyId"] as? String)
            stepped.insert(name)
            let before = try #require(policies[arn]?[name], "\(name) is not an inline policy of \(arn)")
            let beforeActions = LoadedSample.grantedActions(before)
            switch body["recommendedAction"] as? String {
            case "CREATE_POLICY":
              #expect(Timestamp(iso: body["policyUpdatedAt"] as? String ?? "") != nil)
              let text = try #require(body["recommendedPolicy"] as? String)
              let after = try #require(
                try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
              #expect(after["Version"] as? String == before["Version"] as? String)
              let afterActions = LoadedSample.grantedActions(after)
              #expect(!afterActions.isEmpty)
              #expect(
                afterActions == beforeActions.filter { !isUnusedAction($0) },
                "\(name) of \(arn) at \(snapshot.day)")
              created += 1
            case "DETACH_POLICY":
              #expect(body["recommendedPolicy"] == nil)
              #expect(beforeActions.allSatisfy(isUnusedAction), "\(name) of \(arn) grants used actions")
              detached += 1
            default:
              Issue.record("unknown recommendedAction in \(arn)")
            }
          }
          // Every policy that grants an unused action has a step.
          for (name, document) in policies[arn] ?? [:] where !stepped.contains(name) {
            #expect(
              !LoadedSample.grantedActions(document).contains(where: isUnusedAction), "\(name) of \(arn)")
          }
        }
      }
      if index == sample.snapshots.count - 1 {
        #expect(statuses["IN_PROGRESS"] == 1 && statuses["FAILED"] == 1)
      }
    }
    #expect(created > 100 && detached > 10)
    let share = Double(recommended) / Double(eligible)
    #expect(share > 0.25 && share < 0.6, "\(share) of open unused-permission findings have a recommendation")
  }

  @Test("Finding summaries list every finding; two or three are known only by summary")
  func findingSummaries() throws {
    let sample = try LoadedSample.standard.get()
    let required = [
      "analyzedAt", "createdAt", "id", "resource", "resourceType", "resourceOwnerAccount", "status",
      "updatedAt", "findingType",
    ]
    for snapshot in sample.snapshots {
      let accounts = snapshot.accounts.filter { $0.findingSummaries != nil }
      #expect(accounts.count == 1)
      guard let account = accounts.first, let summaries = account.findingSummaries else { continue }
      var detailsByID: [String: [String: Any]] = [:]
      for finding in account.findings { detailsByID[finding["id"] as! String] = finding }
      var missing = 0
      for summary in summaries {
        #expect(Set(summary.keys) == Set(required), "summary fields \(summary.keys.sorted())")
        #expect(["ACTIVE", "ARCHIVED", "RESOLVED"].contains(summary["status"] as? String ?? ""))
        #expect(account.principalARNs.contains(summary["resource"] as? String ?? ""))
        guard let details = detailsByID[summary["id"] as! String] else {
          missing += 1
          continue
        }
        for field in required {
          #expect(summary[field] as? String == details[field] as? String, "\(field) differs")
        }
      }
      #expect(Set(summaries.map { $0["id"] as! String }).isSuperset(of: detailsByID.keys))
      #expect((2...3).contains(missing), "\(missing) findings without details at \(snapshot.day)")
    }
    let newest = sample.snapshots.last!.accounts.first { $0.findingSummaries != nil }!
    #expect(
      sample.summary.sources.findingsWithoutDetails == newest.findingSummaries!.count - newest.findings.count)
  }
}

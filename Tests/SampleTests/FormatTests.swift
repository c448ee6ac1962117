import Foundation
import Model
import Sample
import Testing

/// The fields botocore's GetFindingV2Response requires.
private let requiredFindingFields = [
  "analyzedAt", "createdAt", "id", "resourceType", "resourceOwnerAccount", "status", "updatedAt",
  "findingDetails",
]

/// Finding type to the one detail key its `findingDetails` entries use.
private let detailKeys = [
  "UnusedPermission": "unusedPermissionDetails", "UnusedIAMRole": "unusedIamRoleDetails",
  "UnusedIAMUserAccessKey": "unusedIamUserAccessKeyDetails",
  "UnusedIAMUserPassword": "unusedIamUserPasswordDetails",
]

private func isUpperAlphanumeric(_ text: Substring) -> Bool {
  text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
}

@Suite("AWS shapes")
struct FormatTests {
  @Test("Every finding has botocore's required fields and valid values")
  func findingsAreWellFormed() throws {
    let sample = try LoadedSample.standard.get()
    var seenIDs = 0
    for (index, account, finding) in sample.allFindings {
      let day = sample.snapshots[index].day
      for field in requiredFindingFields {
        #expect(finding[field] != nil, "finding lacks \(field) in \(account.findingsFileName)")
      }
      let type = try #require(finding["findingType"] as? String)
      let detailKey = try #require(detailKeys[type], "unknown findingType \(type)")
      #expect(["ACTIVE", "ARCHIVED", "RESOLVED"].contains(finding["status"] as? String ?? ""))
      #expect(finding["resourceOwnerAccount"] as? String == account.accountID)
      let resource = try #require(finding["resource"] as? String)
      #expect(resource.hasPrefix("arn:aws:iam::" + account.accountID + ":"))
      let resourceType = finding["resourceType"] as? String
      #expect(resourceType == (resource.contains(":user/") ? "AWS::IAM::User" : "AWS::IAM::Role"))
      if type != "UnusedPermission", type != "UnusedIAMRole" { #expect(resourceType == "AWS::IAM::User") }
      let id = try #require(finding["id"] as? String)
      #expect(id.count == 36 && id.split(separator: "-").count == 5)
      seenIDs += 1

      let analyzed = try #require(Timestamp(iso: finding["analyzedAt"] as! String))
      let created = try #require(Timestamp(iso: finding["createdAt"] as! String))
      let updated = try #require(Timestamp(iso: finding["updatedAt"] as! String))
      #expect(analyzed.day == day)
      #expect(created <= updated && updated <= analyzed)

      let details = try #require(finding["findingDetails"] as? [[String: Any]])
      #expect(!details.isEmpty)
      for detail in details {
        #expect(Array(detail.keys) == [detailKey])
        let body = try #require(detail[detailKey] as? [String: Any])
        var lastAccessedValues = [body["lastAccessed"]].compactMap { $0 as? String }
        if type == "UnusedPermission" {
          #expect(body["serviceNamespace"] is String)
          for action in body["actions"] as? [[String: Any]] ?? [] {
            #expect(action["action"] is String)
            if let value = action["lastAccessed"] as? String { lastAccessedValues.append(value) }
          }
        }
        if type == "UnusedIAMUserAccessKey" {
          let key = try #require(body["accessKeyId"] as? String)
          #expect(key.hasPrefix("AKIA") && key.count == 20 && isUpperAlphanumeric(key.dropFirst(4)))
        }
        // Unused means not used for more than 90 days before the snapshot.
        for value in lastAccessedValues {
          let time = try #require(Timestamp(iso: value), "unparseable lastAccessed \(value)")
          #expect(time.day < day.adding(days: -90), "\(value) is not unused at \(day)")
        }
      }
    }
    #expect(seenIDs > 1000)
  }

  @Test("Every finding's resource is in its account's inventory of the same snapshot")
  func findingsMatchInventory() throws {
    let sample = try LoadedSample.standard.get()
    for snapshot in sample.snapshots {
      for account in snapshot.accounts {
        let arns = account.principalARNs
        for finding in account.findings {
          let resource = finding["resource"] as? String ?? ""
          #expect(arns.contains(resource), "\(resource) missing from the inventory at \(snapshot.day)")
        }
      }
    }
  }

  @Test("Inventories have the get-account-authorization-details shape")
  func inventoryShape() throws {
    let sample = try LoadedSample.standard.get()
    var neverUsedRoles = 0
    for snapshot in sample.snapshots {
      for account in snapshot.accounts {
        #expect(account.inventory["IsTruncated"] as? Bool == false)
        #expect(account.inventory["GroupDetailList"] is [Any])
        for role in account.roles {
          for key in [
            "Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument",
            "InstanceProfileList",
            "RolePolicyList", "AttachedManagedPolicies", "RoleLastUsed",
          ] {
            #expect(role[key] != nil, "role lacks \(key)")
          }
          let id = try #require(role["RoleId"] as? String)
          #expect(id.hasPrefix("AROA") && id.count == 20 && isUpperAlphanumeric(id.dropFirst(4)))
          #expect(Timestamp(iso: role["CreateDate"] as? String ?? "") != nil)
          #expect(LoadedSample.document(role["AssumeRolePolicyDocument"]) != nil)
          let lastUsed = try #require(role["RoleLastUsed"] as? [String: Any])
          if lastUsed.isEmpty {
            neverUsedRoles += 1
          } else {
            #expect(Timestamp(iso: lastUsed["LastUsedDate"] as? String ?? "") != nil)
            #expect(lastUsed["Region"] is String)
          }
        }
        for user in account.users {
          for key in [
            "Path", "UserName", "UserId", "Arn", "CreateDate", "UserPolicyList", "GroupList",
            "AttachedManagedPolicies",
          ] {
            #expect(user[key] != nil, "user lacks \(key)")
          }
          #expect((user["UserId"] as? String)?.hasPrefix("AIDA") == true)
        }
        for policy in account.policies {
          for key in [
            "PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "AttachmentCount",
            "PermissionsBoundaryUsageCount", "IsAttachable", "CreateDate", "UpdateDate", "PolicyVersionList",
          ] {
            #expect(policy[key] != nil, "policy lacks \(key)")
          }
          #expect((policy["PolicyId"] as? String)?.hasPrefix("ANPA") == true)
          let versions = try #require(policy["PolicyVersionList"] as? [[String: Any]])
          let defaults = versions.filter { $0["IsDefaultVersion"] as? Bool == true }
          #expect(defaults.count == 1)
          #expect(defaults.first?["VersionId"] as? String == policy["DefaultVersionId"] as? String)
          #expect(LoadedSample.document(defaults.first?["Document"]) != nil)
        }
        // Attachment counts agree with the principals that attach each policy.
        for policy in account.policies {
          let arn = policy["Arn"] as! String
          let attached = (account.roles + account.users).filter { entry in
            (entry["AttachedManagedPolicies"] as? [[String: String]] ?? []).contains {
              $0["PolicyArn"] == arn
            }
          }.count
          let groups = (account.inventory["GroupDetailList"] as? [[String: Any]] ?? []).filter { group in
            (group["AttachedManagedPolicies"] as? [[String: String]] ?? []).contains {
              $0["PolicyArn"] == arn
            }
          }.count
          #expect(policy["AttachmentCount"] as? Int == attached + groups, "\(arn) attachment count")
        }
      }
    }
    #expect(neverUsedRoles > 0)
  }

  @Test("Policies grant every permission a finding reports as unused")
  func policiesGrantUnusedPermissions() throws {
    let sample = try LoadedSample.standard.get()
    var checked = 0
    for snapshot in sample.snapshots {
      for account in snapshot.accounts {
        let grants = LoadedSample.inlineGrants(account)
        for finding in account.findings
        where finding["findingType"] as? String == "UnusedPermission"
          && finding["status"] as? String != "RESOLVED"
        {
          let granted = grants[finding["resource"] as! String] ?? []
          for detail in finding["findingDetails"] as! [[String: Any]] {
            let body = detail["unusedPermissionDetails"] as! [String: Any]
            let service = body["serviceNamespace"] as! String
            guard let actions = body["actions"] as? [[String: Any]] else {
              #expect(granted.contains { $0.hasPrefix(service + ":") }, "\(service) not granted")
              continue
            }
            for action in actions {
              var name = (action["action"] as! String).lowercased()
              if !name.contains(":") { name = service + ":" + name }
              #expect(granted.contains(name), "\(name) not granted to \(finding["resource"]!)")
              checked += 1
            }
          }
        }
      }
    }
    #expect(checked > 5000)
  }

  @Test("A removed permission is gone from the policy at the next snapshot")
  func removedPermissionsLeaveThePolicy() throws {
    let sample = try LoadedSample.standard.get()
    var removed = 0
    for index in 1..<sample.snapshots.count {
      // Removed, as the design defines it: open, then RESOLVED or absent (archived is accepted).
      let before = sample.permissions(at: index - 1)
      let after = sample.permissions(at: index, statuses: ["ACTIVE", "ARCHIVED"])
      var grants: [String: Set<String>] = [:]
      for account in sample.snapshots[index].accounts {
        grants.merge(LoadedSample.inlineGrants(account)) { a, _ in a }
      }
      for item in before.subtracting(after) {
        let parts = item.split(separator: " ")
        let (arn, permission) = (String(parts[0]), String(parts[1]))
        guard let granted = grants[arn] else { continue }  // The principal itself was deleted.
        if permission.hasSuffix(":*") {
          let service = permission.dropLast()
          #expect(!granted.contains { $0.hasPrefix(service) }, "\(permission) still granted to \(arn)")
        } else {
          #expect(!granted.contains(permission), "\(permission) still granted to \(arn)")
        }
        removed += 1
      }
    }
    #expect(removed > 100)
  }

  @Test("The different export forms all occur")
  func exportVariants() throws {
    let sample = try LoadedSample.standard.get()
    let newest = sample.snapshots.last!.accounts
    #expect(newest.contains { $0.findingsFileName.hasSuffix(".json") })
    #expect(newest.contains { $0.findingsFileName.hasSuffix(".jsonl") })
    let texts = newest.map(\.findingsText).joined()
    // Both action-name forms, with and without the service prefix.
    #expect(texts.contains("\"action\":\"s3:") || texts.contains("\"action\": \"s3:"))
    let bare = sample.allFindings.contains { _, _, finding in
      (finding["findingDetails"] as? [[String: Any]] ?? []).contains { detail in
        ((detail["unusedPermissionDetails"] as? [String: Any])?["actions"] as? [[String: Any]] ?? []).contains
        {
          !($0["action"] as! String).contains(":")
        }
      }
    }
    #expect(bare)
    // Service-level-only details, without an actions list.
    let serviceLevel = sample.allFindings.contains { _, _, finding in
      (finding["findingDetails"] as? [[String: Any]] ?? []).contains { detail in
        (detail["unusedPermissionDetails"] as? [String: Any]).map { $0["actions"] == nil } ?? false
      }
    }
    #expect(serviceLevel)
    // Timestamp forms: microseconds with an offset, milliseconds with Z, and no fraction.
    #expect(texts.contains("000+00:00\""))
    #expect(texts.range(of: #"\.\d{3}Z""#, options: .regularExpression) != nil)
    #expect(
      texts.range(of: #"lastAccessed": ?"[0-9-]{10}T[0-9:]{8}\+00:00""#, options: .regularExpression) != nil)
    // Policy documents as URL-encoded strings in one account, objects elsewhere.
    let encoded = newest.filter { $0.inventoryText.contains("\"%7B%22Version%22") }
    #expect(encoded.count == 1)
    #expect(newest.contains { $0.inventoryText.contains("\"PolicyDocument\": {") })
    // Statement and Action as a single value, not only as lists.
    let documents = newest.flatMap { account in
      (account.roles + account.users).flatMap { entry in
        ((entry["RolePolicyList"] ?? entry["UserPolicyList"]) as? [[String: Any]] ?? []).compactMap {
          LoadedSample.document($0["PolicyDocument"])
        }
      }
    }
    #expect(documents.contains { $0["Statement"] is [String: Any] })
    #expect(
      documents.contains {
        ($0["Statement"] as? [[String: Any]])?.contains { $0["Action"] is String } == true
      })
    #expect(
      documents.contains {
        ($0["Statement"] as? [[String: Any]])?.contains { $0["Resource"] is String } == true
      })
    #expect(
      documents.contains {
        ($0["Statement"] as? [[String: Any]])?.contains { $0["Resource"] is [Any] } == true
      })
  }

  @Test("All four finding types and all three statuses occur")
  func findingVariety() throws {
    let sample = try LoadedSample.standard.get()
    let types = Set(sample.allFindings.compactMap { $0.finding["findingType"] as? String })
    #expect(types == Set(detailKeys.keys))
    // The newest snapshot's findings, with details or known only by summary.
    let statuses = sample.snapshots.last!.accounts.flatMap(\.findingsByID.values).compactMap {
      $0["status"] as? String
    }
    #expect(statuses.contains("ARCHIVED"))
    #expect(statuses.contains("RESOLVED"))
    // Accepted exceptions stay a small share of findings.
    let archivedShare = Double(statuses.filter { $0 == "ARCHIVED" }.count) / Double(statuses.count)
    #expect(archivedShare > 0.01 && archivedShare < 0.1)
    #expect(sample.summary.archivedFindings == statuses.filter { $0 == "ARCHIVED" }.count)
    #expect(sample.summary.resolvedFindings == statuses.filter { $0 == "RESOLVED" }.count)
  }

  @Test("Finding ids are stable, and a RESOLVED finding is reported for one or two snapshots, then dropped")
  func findingLifecycle() throws {
    let sample = try LoadedSample.standard.get()
    // id to (snapshot, status, resource, type), in snapshot order.
    var history: [String: [(Int, String, String, String)]] = [:]
    for (index, _, finding) in sample.allFindings {
      history[finding["id"] as! String, default: []].append(
        (
          index, finding["status"] as! String, finding["resource"] as! String,
          finding["findingType"] as! String
        ))
    }
    var resolvedSeen = 0
    for (id, entries) in history {
      #expect(Set(entries.map(\.2)).count == 1, "\(id) moves between resources")
      #expect(Set(entries.map(\.3)).count == 1, "\(id) changes type")
      #expect(Set(entries.map(\.0)).count == entries.count, "\(id) twice in one snapshot")
      let resolved = entries.filter { $0.1 == "RESOLVED" }
      if resolved.isEmpty { continue }
      resolvedSeen += 1
      #expect(resolved.count <= 2)
      // Once resolved, it never comes back as active or archived.
      let first = resolved[0].0
      #expect(entries.allSatisfy { $0.0 < first || $0.1 == "RESOLVED" })
      let snapshots = entries.map(\.0)
      #expect(snapshots == Array(snapshots[0]...snapshots[snapshots.count - 1]), "\(id) has gaps")
    }
    #expect(resolvedSeen > 5)
  }
}

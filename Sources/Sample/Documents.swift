import Model

/// The site folder's hand-written files: settings, teams, procedures and review sign-offs.
enum Documents {
  static let siteYAML = """
    # permsite site settings
    title: "Example Corp: IAM least privilege"
    base_url: "https://iam-reports.example.internal/"
    unused_threshold_days: 90        # access unused this long counts as unused
    fiscal_year_start_month: 1       # Q1 starts in January
    history_store: history.sqlite    # the history store, relative to this folder
    owner_tags: [team, owner]        # tag keys whose value names a team id
    allow_raw_html: false            # raw HTML in procedures is dropped

    """

  /// `teams.yml`: every team with its champions and one kind of match rule.
  static func teamsYAML(_ plan: OrganizationPlan) -> String {
    var text = """
      # Teams, their least-privilege champions, and how principals are mapped to them.
      # The first team in this file whose rule matches a role or user owns it; a `team` or `owner`
      # tag naming a team id (see owner_tags in site.yml) also counts. Principals nothing matches,
      # such as those in the sandbox account, are reported as Unowned.
      teams:

      """
    for team in plan.teams {
      text += "  - id: \(team.id)\n"
      text += "    name: \(yamlScalar(team.name))\n"
      text += "    champions:\n"
      for champion in team.champions {
        text += "      - name: \(yamlScalar(champion.name))\n"
        text += "        email: \(champion.email)\n"
      }
      text += "    match:\n"
      switch team.rule {
      case .tag:
        text += "      tags: [\"team=\(team.id)\"]\n"
      case .account:
        let ids = team.accounts.map { "\"" + plan.accounts[$0].id + "\"" }.joined(separator: ", ")
        text += "      accounts: [\(ids)]\n"
      case .arnGlob:
        text += "      arns: [\"arn:aws:iam::*:role/\(team.id)-*\", \"arn:aws:iam::*:user/\(team.id)-*\"]\n"
      }
    }
    return text
  }

  /// A YAML scalar for a name: plain when that is unambiguous, double-quoted otherwise.
  static func yamlScalar(_ text: String) -> String {
    let plainSafe = text.unicodeScalars.allSatisfy { scalar in
      scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        || " .-'&()".unicodeScalars.contains(scalar)
    }
    let first = text.unicodeScalars.first
    let startsSafe = first.map { $0.properties.isAlphabetic } ?? false
    let reserved = ["yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"].contains(
      text.lowercased())
    if plainSafe, startsSafe, !reserved, !text.hasSuffix(" ") { return text }
    var quoted = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": quoted += "\\\""
      case "\\": quoted += "\\\\"
      case "\n": quoted += "\\n"
      default: quoted.unicodeScalars.append(scalar)
      }
    }
    return quoted + "\""
  }

  /// The quarterly review checklist's items, by heading: `(id, text)`.
  static let reviewItems: [(heading: String, items: [(id: String, text: String)])] = [
    (
      "Before the review",
      [
        (
          "confirm-champion",
          "Confirm who the team's least-privilege champion is this quarter, and that they can read the team report."
        ),
        (
          "tag-ownership",
          "Check that every role and user the team owns carries a `team` or `owner` tag; claim or tag the"
            + " principals listed as Unowned that are yours."
        ),
      ]
    ),
    (
      "Analyse access patterns",
      [
        (
          "review-unused-permissions",
          "Go through the team's open unused permissions, oldest first, starting with the roles that have the most."
        ),
        (
          "check-last-accessed",
          "For each workload, compare the last-accessed data (service and action level) with what it is expected"
            + " to do; anything unused for 90 days or more is a candidate for removal."
        ),
        (
          "check-data-events",
          "Where S3 object or DynamoDB item access matters, confirm CloudTrail data events are logged before"
            + " trusting last-accessed data for those actions."
        ),
      ]
    ),
    (
      "Unused roles and credentials",
      [
        ("remove-unused-roles", "Delete roles unused for 90 days or more, or record why each one stays."),
        (
          "remove-unused-access-keys",
          "Deactivate, then delete, access keys unused for 90 days; move the workloads still using IAM users"
            + " to roles."
        ),
        ("remove-unused-passwords", "Remove console passwords that nobody has used for 90 days."),
      ]
    ),
    (
      "Remove or document",
      [
        (
          "remove-unused-permissions",
          "Remove unused permissions from the policies, using IAM Access Analyzer policy generation or the"
            + " recommended policy as a starting point, and deploy the change through the usual pipeline."
        ),
        (
          "document-exceptions",
          "Record every unused permission kept on purpose as an exception, with a justification, an approver"
            + " and an expiry date, and archive its finding."
        ),
        ("renew-expiring-exceptions", "Renew or remove the exceptions that expire this quarter."),
      ]
    ),
    (
      "Guardrails",
      [
        (
          "check-guardrails",
          "Check that new roles use the permissions boundary, that SCPs still deny what no team should do, and"
            + " that policy changes are validated in CI."
        )
      ]
    ),
    (
      "Record and sign off",
      [
        (
          "record-metrics",
          "Note the quarter's identified and removed unused permissions and the reduction rate, and compare them"
            + " with last quarter."
        ),
        ("sign-off", "Sign off the review in the team's review file."),
      ]
    ),
  ]

  static let quarterlyReview: String = {
    var text = """
      ---
      title: Quarterly access review
      checklist: quarterly
      teams: all
      ---

      # Quarterly access review

      Permissions drift: workloads change, people move on, and what was needed once stays granted.
      Every quarter each team's champion works through this list with the team, using the team's
      report on this site. It follows AWS Well-Architected SEC03-BP04, *Reduce permissions
      continuously*: analyse access patterns, remove what is unused, document what stays, and
      track the numbers over time.

      Tick an item by adding its id to `signed_off` in `content/reviews/YYYY-Qn/TEAM.yml`.

      """
    for section in reviewItems {
      text += "\n## \(section.heading)\n\n"
      for item in section.items {
        text += "- [ ] \(item.text) {#\(item.id)}\n"
      }
    }
    text += """

      ## Why this matters

      Unused permissions widen the impact of leaked credentials without helping anyone. Removing them
      regularly keeps every role close to least privilege, and the quarterly numbers show whether the
      team is keeping up with the permissions its workloads gain.

      """
    return text
  }()

  static let removingUnusedPermissions = """
    ---
    title: Removing unused permissions
    checklist: false
    ---

    # Removing unused permissions

    This is how to act on what a team report lists: an unused permission is an action (or, where
    only service-level data exists, a whole service) that a role or user is allowed but has not
    used for 90 days or more.

    ## Find out what is unused

    IAM Access Analyzer's unused access analyzer reports, for each role and user, the services and
    actions it has not used. The same data feeds this site every night. To look at one role
    yourself:

    ```sh
    # List the active unused-permission findings of one account's analyzer
    aws accessanalyzer list-findings-v2 \\
      --analyzer-arn arn:aws:access-analyzer:us-east-1:111122223333:analyzer/unused-access \\
      --filter '{"findingType": {"eq": ["UnusedPermission"]}, "status": {"eq": ["ACTIVE"]}}'

    # Show which services and actions a finding reports as unused
    aws accessanalyzer get-finding-v2 \\
      --analyzer-arn arn:aws:access-analyzer:us-east-1:111122223333:analyzer/unused-access \\
      --id 5f7c4b0e-8a1d-4c2e-9b3f-2d6a1e0c7b94

    # Ask for a recommended policy without the unused actions
    aws accessanalyzer generate-finding-recommendation \\
      --analyzer-arn arn:aws:access-analyzer:us-east-1:111122223333:analyzer/unused-access \\
      --id 5f7c4b0e-8a1d-4c2e-9b3f-2d6a1e0c7b94
    aws accessanalyzer get-finding-recommendation \\
      --analyzer-arn arn:aws:access-analyzer:us-east-1:111122223333:analyzer/unused-access \\
      --id 5f7c4b0e-8a1d-4c2e-9b3f-2d6a1e0c7b94

    # Cross-check with IAM's own last-accessed data
    JOB=$(aws iam generate-service-last-accessed-details \\
      --arn arn:aws:iam::111122223333:role/payments-api --granularity ACTION_LEVEL \\
      --query JobId --output text)
    aws iam get-service-last-accessed-details --job-id "$JOB"
    ```

    ## Remove it

    1. Change the policy where it is defined: in the Terraform, CloudFormation or CDK code that
       owns the role, not in the console, or the next deployment puts the permission back.
    2. Remove whole statements for services the role never uses; narrow wildcards such as
       `s3:*` to the actions it does use.
    3. Deploy to staging first and watch for `AccessDenied` errors for a few days.
    4. Deploy to production. The finding changes to *resolved* at the next nightly analysis,
       and this site counts the permissions as removed.

    ## When a permission has to stay

    Some permissions are used rarely but on purpose: a yearly key rotation, a disaster-recovery
    drill. Record them as exceptions in the team's review file, with a justification, an
    approver and an expiry date, and archive the finding in Access Analyzer so it stops
    counting as open. An exception past its expiry date shows up on the team's checklist again.

    ## Further reading

    - [SEC03-BP04 Reduce permissions continuously](https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_permissions_continuous_reduction.html)
    - [Refining permissions using last accessed information](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html)
    - [IAM Access Analyzer policy generation](https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html)

    """

  /// Justification for keeping a whole principal, such as a break-glass role.
  static let principalJustification = "Break-glass access, reviewed by the security team every quarter."

  /// Justifications reviewers write for keeping single permissions.
  static let justifications = [
    "Needed for the yearly bucket-policy rotation.",
    "Used only by the disaster-recovery drill in the spring.",
    "Required by the year-end reconciliation job.",
    "Kept until the ledger migration is cut over; remove afterwards.",
    "Audit export runs twice a year.",
  ]

  /// Notes reviewers leave on some sign-offs.
  static let notes = [
    "Done together with the platform team.",
    "Two roles left; tracked in the team backlog.",
    "Nothing to remove this time.",
  ]

  /// One review file: sign-offs of the first items for the quarter so far, and exceptions.
  static func reviewYAML(
    team: TeamPlan, quarter: Quarter, newest: Day, reviewRank: Int, exceptions: [ExceptionCandidate],
    expiredFirst: Bool, seed: UInt64
  ) -> String {
    var rng = SplitMix64(seed, 0x2E71E3, UInt64(team.index))
    var text = "# Quarterly review sign-offs: \(team.name), \(quarter.label)\n"
    let allIDs = reviewItems.flatMap { $0.items.map(\.id) }
    // A negative rank is a finished review: every item signed off.
    let share = reviewRank < 0 ? 1.0 : [0.75, 0.4, 0.15][min(reviewRank, 2)]
    let count = max(1, Int((Double(allIDs.count) * share).rounded()))
    let span = max(0, newest.days(since: quarter.firstDay))
    var dates = (0..<count).map { _ in quarter.firstDay.adding(days: rng.within(0...span)) }
    dates.sort()
    text += "signed_off:\n"
    for (index, id) in allIDs.prefix(count).enumerated() {
      text += "  - id: \(id)\n"
      text += "    by: \(yamlScalar(team.champions[index % team.champions.count].name))\n"
      text += "    date: \(dates[index].iso)\n"
      if id == "confirm-champion" {
        text += "    note: Champion confirmed in the team channel.\n"
      } else if rng.below(4) == 0 {
        text += "    note: \(yamlScalar(rng.pick(notes)))\n"
      }
    }
    if exceptions.isEmpty {
      text += "exceptions: []\n"
      return text
    }
    text += "exceptions:\n"
    for (index, exception) in exceptions.enumerated() {
      text += "  - principal: \(exception.arn)\n"
      if let permission = exception.permission { text += "    permission: \(permission)\n" }
      let justification = exception.permission == nil ? principalJustification : rng.pick(justifications)
      text += "    justification: \(yamlScalar(justification))\n"
      text += "    approver: \(yamlScalar(rng.pick(Catalog.approvers)))\n"
      let expires =
        index == 0 && expiredFirst
        ? newest.adding(days: -rng.within(5...40)) : newest.adding(days: rng.within(30...240))
      text += "    expires: \(expires.iso)\n"
    }
    return text
  }
}

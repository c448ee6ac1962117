/// Services as IAM's last-accessed data names them: `Catalog.services` by index, then X-Ray (which
/// only the teams' baseline policy grants), so that index order is namespace order.
enum LastAccessedTables {
  /// The extended index of X-Ray.
  static let xray = Catalog.services.count
  /// Namespaces by extended index.
  static let namespaces: [String] = Catalog.services.map(\.namespace) + ["xray"]
  /// `"ServiceName"` and `"ServiceNamespace"` values as JSON, quotes included, by extended index.
  static let quotedNames: [[UInt8]] = namespaces.map { Array(("\"" + serviceName($0) + "\"").utf8) }
  static let quotedNamespaces: [[UInt8]] = namespaces.map { Array(("\"" + $0 + "\"").utf8) }
  /// Whether IAM tracks the service's actions in `ACTION_LEVEL` jobs (which list them only when
  /// one of them was used in the tracking period). AWS tracks a growing list;
  /// the sample keeps a plausible, fixed one (only services Access Analyzer also tracks by action).
  static let tracked: [Bool] = namespaces.map {
    ["dynamodb", "ec2", "iam", "lambda", "rds", "s3"].contains($0)
  }

  static func index(of namespace: String) -> Int { namespaces.firstIndex(of: namespace)! }

  static let ec2 = index(of: "ec2")
  static let iam = index(of: "iam")
  static let logs = index(of: "logs")
  static let rds = index(of: "rds")
  static let s3 = index(of: "s3")
  static let ssm = index(of: "ssm")

  /// The name the IAM console and API use for a service.
  static func serviceName(_ namespace: String) -> String {
    switch namespace {
    case "athena": "Amazon Athena"
    case "cloudformation": "AWS CloudFormation"
    case "cloudwatch": "Amazon CloudWatch"
    case "dynamodb": "Amazon DynamoDB"
    case "ec2": "Amazon EC2"
    case "ecr": "Amazon Elastic Container Registry"
    case "ecs": "Amazon Elastic Container Service"
    case "glue": "AWS Glue"
    case "iam": "AWS Identity and Access Management"
    case "kinesis": "Amazon Kinesis"
    case "kms": "AWS Key Management Service"
    case "lambda": "AWS Lambda"
    case "logs": "Amazon CloudWatch Logs"
    case "rds": "Amazon RDS"
    case "s3": "Amazon S3"
    case "secretsmanager": "AWS Secrets Manager"
    case "sns": "Amazon SNS"
    case "sqs": "Amazon SQS"
    case "ssm": "AWS Systems Manager"
    case "states": "AWS Step Functions"
    case "sts": "AWS Security Token Service"
    case "xray": "AWS X-Ray"
    default: namespace
    }
  }

  /// What each managed policy grants, by extended service index, as its document in the
  /// inventory says. `AdministratorAccess` is handled apart: it grants everything.
  static func grants(of policy: ManagedPolicy) -> [(service: Int, actions: [String])] {
    switch policy {
    case .baseline:
      [
        (ssm, ["GetParameter", "GetParameters", "GetParametersByPath"]),
        (xray, ["PutTelemetryRecords", "PutTraceSegments"]),
      ]
    case .lambdaBasicExecution: [(logs, ["CreateLogGroup", "CreateLogStream", "PutLogEvents"])]
    case .userChangePassword: [(iam, ["ChangePassword", "GetAccountPasswordPolicy"])]
    case .supportServiceRole:
      [
        (ec2, ["DescribeInstances"]), (iam, ["GetAccountSummary"]), (rds, ["DescribeDBInstances"]),
        (s3, ["GetBucketLocation"]),
      ]
    case .accessAnalyzerServiceRole:
      [
        (
          iam,
          ["GenerateServiceLastAccessedDetails", "GetRole", "GetServiceLastAccessedDetails", "ListRoles"]
        ),
        (s3, ["GetBucketPolicy"]),
      ]
    case .boundary, .administratorAccess: []
    }
  }
}

/// How a last-accessed job (or a recommendation) ended up when it was exported.
enum JobStatus {
  case completed, inProgress, failed
}

/// One service of a principal's last-accessed report while it is being put together.
private struct ServiceUse {
  var granted = false
  /// Latest use of the service, milliseconds; -1 for never.
  var last: Int64 = -1
  /// Tracked actions (action-level jobs only): name and last use.
  var actions: [(name: String, last: Int64)] = []
}

extension AccountSimulation {
  /// The principals whose last-accessed job did not complete at `snapshot`, in the one account
  /// that shows this: (still in progress, failed), as indexes into `principals`.
  func unfinishedLastAccessedJobs(_ snapshot: Int) -> (inProgress: Int, failed: Int)? {
    guard account.lastAccessedJobProblems else { return nil }
    let alive = principals.indices.filter { principals[$0].isAlive(at: snapshot) }
    guard alive.count >= 3 else { return nil }
    var rng = SplitMix64(seed, 0x1A57_0B5, UInt64(account.index), UInt64(snapshot))
    let first = rng.below(alive.count)
    let second = (first + 1 + rng.below(alive.count - 1)) % alive.count
    return (alive[first], alive[second])
  }

  /// Writes `last-accessed-ACCOUNT.json`: a JSON array with one
  /// `aws iam get-service-last-accessed-details` response per role and user alive at `snapshot`,
  /// each with an added `Arn`, in inventory order. Returns the number of responses.
  @discardableResult
  func renderLastAccessed(_ snapshot: Int, into writer: inout JSONWriter) -> Int {
    guard let granularity = account.lastAccessed else { return 0 }
    let unfinished = unfinishedLastAccessedJobs(snapshot)
    let jobsStart = analyzedAt(snapshot) + 1_800_000
    var responses = 0
    writer.beginArray()
    let all = principals
    for index in all.indices where all[index].isAlive(at: snapshot) {
      let p = all[index]
      var rng = SplitMix64(seed, 0x1A57, UInt64(account.index), UInt64(snapshot) << 32 | UInt64(p.ordinal))
      let created = jobsStart + Int64(p.ordinal) * 1_700 + Int64(rng.below(900))
      writer.beginObject()
      writer.key("Arn")
      writer.string(p.arn)
      writer.key("JobStatus")
      let status: JobStatus =
        index == unfinished?.inProgress ? .inProgress : index == unfinished?.failed ? .failed : .completed
      switch status {
      case .inProgress: writer.string("IN_PROGRESS")
      case .failed: writer.string("FAILED")
      case .completed: writer.string("COMPLETED")
      }
      writer.key("JobType")
      writer.string(granularity == .actionLevel ? "ACTION_LEVEL" : "SERVICE_LEVEL")
      writer.key("JobCreationDate")
      lastAccessedTime(&writer, created)
      writer.key("ServicesLastAccessed")
      writer.beginArray()
      if status == .completed {
        writeServicesLastAccessed(&writer, p, snapshot, actionLevel: granularity == .actionLevel)
      }
      writer.endArray()
      if status != .inProgress {
        writer.key("JobCompletionDate")
        lastAccessedTime(&writer, created + Int64(rng.within(1_500...25_000)))
      }
      writer.key("IsTruncated")
      writer.bool(false)
      if status == .failed {
        writer.key("Error")
        writer.beginObject()
        writer.key("Message")
        writer.string("The request processing has failed because of an unknown error, exception or failure.")
        writer.key("Code")
        writer.string("ServiceFailure")
        writer.endObject()
      }
      writer.endObject()
      responses += 1
    }
    writer.endArray()
    writer.newline()
    return responses
  }

  /// An instant in last-accessed data, in the account's timestamp style; otherwise, as in the
  /// findings, some with microseconds and some without a fraction.
  private func lastAccessedTime(_ writer: inout JSONWriter, _ time: Int64) {
    let style: TimestampStyle =
      account.zuluTimestamps
      ? .zuluMilliseconds : (Mix.finalize(UInt64(time)) % 5 < 2 ? .seconds : .microseconds)
    writer.timestamp(milliseconds: time, style: style)
  }

  /// When a principal last used a granted action it uses: within the three days before the
  /// snapshot (never after the role's `RoleLastUsed`), or for a dormant role its last use long ago.
  func recentActionUse(_ p: SimPrincipal, _ snapshot: Int, service: Int, action: Int) -> Int64 {
    if p.dormant { return p.lastUsed }
    let h = Mix.hash(
      seed, UInt64(account.index), UInt64(p.ordinal),
      UInt64(snapshot) << 40 | UInt64(service) << 20 | UInt64(action))
    let time: Int64
    if !p.purpose.isUser, p.lastUsed >= 0 {
      time = p.lastUsed - Int64(h % UInt64(2 * 86_400_000))
    } else {
      time = start(of: days[snapshot]) - 3_600_000 - Int64(h % UInt64(3 * 86_400_000 - 3_600_000))
    }
    return max(time, p.createdAt + 60_000)
  }

  /// What the principal's policies grant, service by service, and when each part was last used:
  /// the inline grants (used actions recently, unused ones as the findings report them), and the
  /// attached managed policies and the console group's policy, which are in use (except for
  /// a dormant role). `AdministratorAccess` grants every service; only a look at EC2 instances
  /// long ago, if anything, was used of it.
  private func servicesLastAccessed(_ p: SimPrincipal, _ snapshot: Int, actionLevel: Bool) -> [ServiceUse] {
    var uses = [ServiceUse](repeating: ServiceUse(), count: LastAccessedTables.namespaces.count)
    // IAM reports use within its tracking period, the last 400 days, only.
    let window = start(of: days[snapshot]) - 400 * AccountSimulation.dayMilliseconds
    func record(_ service: Int, _ name: String, _ time: Int64) {
      let time = time >= window ? time : -1
      uses[service].granted = true
      uses[service].last = max(uses[service].last, time)
      if actionLevel, LastAccessedTables.tracked[service] { uses[service].actions.append((name, time)) }
    }
    for grant in p.grants {
      let spec = Catalog.services[grant.service]
      if spec.serviceLevelOnly {
        uses[grant.service].granted = true
        let time =
          grant.used.isEmpty
          ? grant.lastAccessed : recentActionUse(p, snapshot, service: grant.service, action: 0xFFFF)
        uses[grant.service].last = max(uses[grant.service].last, time >= window ? time : -1)
        continue
      }
      for action in grant.used {
        record(
          grant.service, spec.actions[Int(action)],
          recentActionUse(p, snapshot, service: grant.service, action: Int(action)))
      }
      for item in grant.unused {
        record(grant.service, spec.actions[Int(item.action)], item.lastAccessed)
      }
    }
    var managed = p.managed
    if p.purpose == .human { managed |= ManagedPolicy.userChangePassword.bit }
    for policy in ManagedPolicy.allCases where managed & policy.bit != 0 && exists(policy) {
      if policy == .administratorAccess {
        for service in Catalog.services.indices {
          let spec = Catalog.services[service]
          uses[service].granted = true
          for (action, name) in spec.actions.enumerated() {
            let used = service == LastAccessedTables.ec2 && name == "DescribeInstances"
            record(service, name, used ? recentActionUse(p, snapshot, service: service, action: action) : -1)
          }
        }
        uses[LastAccessedTables.xray].granted = true
        continue
      }
      for (service, actions) in LastAccessedTables.grants(of: policy) {
        for (offset, name) in actions.enumerated() {
          record(service, name, recentActionUse(p, snapshot, service: service, action: 0x1_0000 + offset))
        }
      }
    }
    // Tracked actions by name, each once with its latest use.
    for service in uses.indices where uses[service].actions.count > 1 {
      let sorted = uses[service].actions.sorted { $0.name != $1.name ? $0.name < $1.name : $0.last > $1.last }
      var merged: [(name: String, last: Int64)] = []
      for entry in sorted where merged.last?.name != entry.name { merged.append(entry) }
      uses[service].actions = merged
    }
    return uses
  }

  private func writeServicesLastAccessed(
    _ writer: inout JSONWriter, _ p: SimPrincipal, _ snapshot: Int, actionLevel: Bool
  ) {
    let uses = servicesLastAccessed(p, snapshot, actionLevel: actionLevel)
    // Values repeated for every service and action, quoted once.
    var quoting = JSONWriter(indent: 0, capacity: 128)
    quoting.string(p.arn)
    let arn = quoting.bytes
    quoting.reset()
    quoting.string(account.region)
    let homeRegion = quoting.bytes
    let globalRegion = Array("\"us-east-1\"".utf8)
    for service in uses.indices where uses[service].granted {
      let use = uses[service]
      // IAM records use of global services in us-east-1.
      let region = service == LastAccessedTables.iam ? globalRegion : homeRegion
      writer.beginObject()
      writer.key("ServiceName")
      writer.raw(LastAccessedTables.quotedNames[service])
      writer.key("ServiceNamespace")
      writer.raw(LastAccessedTables.quotedNamespaces[service])
      if use.last >= 0 {
        writer.key("LastAuthenticated")
        lastAccessedTime(&writer, use.last)
        writer.key("LastAuthenticatedEntity")
        writer.raw(arn)
        writer.key("LastAuthenticatedRegion")
        writer.raw(region)
      }
      writer.key("TotalAuthenticatedEntities")
      writer.int(use.last >= 0 ? 1 : 0)
      // As documented, null (left out) when no tracked action was used in the tracking period.
      if actionLevel, LastAccessedTables.tracked[service], use.last >= 0 {
        writer.key("TrackedActionsLastAccessed")
        writer.beginArray()
        for action in use.actions {
          writer.beginObject()
          writer.key("ActionName")
          writer.string(action.name)
          if action.last >= 0 {
            writer.key("LastAccessedEntity")
            writer.raw(arn)
            writer.key("LastAccessedTime")
            lastAccessedTime(&writer, action.last)
            writer.key("LastAccessedRegion")
            writer.raw(region)
          }
          writer.endObject()
        }
        writer.endArray()
      }
      writer.endObject()
    }
  }
}

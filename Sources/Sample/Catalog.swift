/// An AWS service as the sample grants it: real action names, and how often its actions turn up
/// among unused permissions.
struct ServiceSpec: Sendable {
  /// The IAM service namespace, e.g. `s3`.
  let namespace: String
  /// Relative share of new unused permissions (per mille of all), after SEC03-BP04's example
  /// dashboard: EC2 26%, S3 22%, IAM 16%, RDS 13%, the rest spread thin.
  let weight: Int
  /// Access Analyzer tracks only service-level use here: its findings name the service without
  /// an `actions` list, which counts as one unused permission `service:*`.
  let serviceLevelOnly: Bool
  /// Real action names, sorted, so that an action's index orders it as findings and policies list it.
  let actions: [String]
  /// The statement id policies use for this service, e.g. `S3Access`.
  let sid: String

  init(_ namespace: String, weight: Int, serviceLevelOnly: Bool = false, sid: String, actions: [String]) {
    self.namespace = namespace
    self.weight = weight
    self.serviceLevelOnly = serviceLevelOnly
    self.actions = actions.sorted()
    self.sid = sid
  }
}

/// Fixed tables of names the sample draws from. Everything here is data; the choices are made
/// by seeded generators elsewhere.
enum Catalog {
  /// Services sorted by namespace, so that index order is the order findings list them.
  ///
  /// The logs actions that `AWSLambdaBasicExecutionRole` grants, and the X-Ray and Parameter
  /// Store reads of each team's baseline policy, are left out: those come from managed policies
  /// and are always in use, so they never show up as unused inline grants.
  static let services: [ServiceSpec] = [
    ServiceSpec(
      "athena", weight: 5, serviceLevelOnly: true, sid: "AthenaQueries",
      actions: [
        "BatchGetQueryExecution", "CreateNamedQuery", "CreateWorkGroup", "GetNamedQuery", "GetQueryExecution",
        "GetQueryResults", "GetWorkGroup", "ListQueryExecutions", "ListWorkGroups", "StartQueryExecution",
        "StopQueryExecution", "UpdateWorkGroup",
      ]),
    ServiceSpec(
      "cloudformation", weight: 5, sid: "CloudFormation",
      actions: [
        "CreateChangeSet", "CreateStack", "DeleteChangeSet", "DeleteStack", "DescribeChangeSet",
        "DescribeStackEvents",
        "DescribeStackResources", "DescribeStacks", "ExecuteChangeSet", "GetTemplate", "ListStacks",
        "UpdateStack",
        "ValidateTemplate",
      ]),
    ServiceSpec(
      "cloudwatch", weight: 15, sid: "CloudWatchMetrics",
      actions: [
        "DeleteAlarms", "DeleteDashboards", "DescribeAlarms", "DisableAlarmActions", "EnableAlarmActions",
        "GetDashboard", "GetMetricData", "GetMetricStatistics", "ListDashboards", "ListMetrics",
        "PutDashboard",
        "PutMetricAlarm", "PutMetricData", "SetAlarmState",
      ]),
    ServiceSpec(
      "dynamodb", weight: 40, sid: "DynamoDBTables",
      actions: [
        "BatchGetItem", "BatchWriteItem", "CreateBackup", "CreateTable", "DeleteBackup", "DeleteItem",
        "DeleteTable",
        "DescribeStream", "DescribeTable", "DescribeTimeToLive", "GetItem", "GetRecords", "GetShardIterator",
        "ListStreams", "ListTables", "PutItem", "Query", "RestoreTableFromBackup", "Scan", "TagResource",
        "UpdateItem", "UpdateTable", "UpdateTimeToLive",
      ]),
    ServiceSpec(
      "ec2", weight: 260, sid: "EC2",
      actions: [
        "AllocateAddress", "AssociateAddress", "AttachVolume", "AuthorizeSecurityGroupEgress",
        "AuthorizeSecurityGroupIngress", "CreateImage", "CreateKeyPair", "CreateLaunchTemplate",
        "CreateNetworkInterface", "CreateSecurityGroup", "CreateSnapshot", "CreateTags", "CreateVolume",
        "DeleteKeyPair", "DeleteNetworkInterface", "DeleteSecurityGroup", "DeleteSnapshot", "DeleteTags",
        "DeleteVolume", "DeregisterImage", "DescribeImages", "DescribeInstances", "DescribeKeyPairs",
        "DescribeNetworkInterfaces", "DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcs",
        "DetachVolume",
        "GetConsoleOutput", "ModifyInstanceAttribute", "ModifyVpcAttribute", "RebootInstances",
        "ReleaseAddress",
        "RevokeSecurityGroupIngress", "RunInstances", "StartInstances", "StopInstances", "TerminateInstances",
      ]),
    ServiceSpec(
      "ecr", weight: 10, serviceLevelOnly: true, sid: "ContainerImages",
      actions: [
        "BatchCheckLayerAvailability", "BatchDeleteImage", "BatchGetImage", "CompleteLayerUpload",
        "CreateRepository",
        "DeleteRepository", "DescribeImages", "DescribeRepositories", "GetAuthorizationToken",
        "GetDownloadUrlForLayer", "InitiateLayerUpload", "ListImages", "PutImage", "PutLifecyclePolicy",
        "SetRepositoryPolicy", "UploadLayerPart",
      ]),
    ServiceSpec(
      "ecs", weight: 10, serviceLevelOnly: true, sid: "ECSTasks",
      actions: [
        "CreateCluster", "CreateService", "DeleteCluster", "DeleteService", "DeregisterTaskDefinition",
        "DescribeClusters", "DescribeServices", "DescribeTaskDefinition", "DescribeTasks", "ExecuteCommand",
        "ListClusters", "ListTasks", "RegisterTaskDefinition", "RunTask", "StartTask", "StopTask",
        "TagResource",
        "UpdateService",
      ]),
    ServiceSpec(
      "glue", weight: 10, serviceLevelOnly: true, sid: "GlueCatalog",
      actions: [
        "BatchCreatePartition", "CreateDatabase", "CreateJob", "CreateTable", "DeleteDatabase", "DeleteTable",
        "GetCrawler", "GetDatabase", "GetDatabases", "GetJobRun", "GetJobRuns", "GetPartitions", "GetTable",
        "GetTables", "StartCrawler", "StartJobRun", "UpdateJob", "UpdateTable",
      ]),
    ServiceSpec(
      "iam", weight: 160, sid: "IAM",
      actions: [
        "AddRoleToInstanceProfile", "AddUserToGroup", "AttachRolePolicy", "CreateAccessKey",
        "CreateInstanceProfile",
        "CreatePolicy", "CreatePolicyVersion", "CreateRole", "CreateServiceLinkedRole", "CreateUser",
        "DeleteAccessKey", "DeletePolicy", "DeletePolicyVersion", "DeleteRole", "DeleteRolePolicy",
        "DeleteUser",
        "DetachRolePolicy", "GetPolicy", "GetPolicyVersion", "GetRole", "GetRolePolicy", "GetUser",
        "ListAccessKeys",
        "ListAttachedRolePolicies", "ListPolicies", "ListRolePolicies", "ListRoles", "ListUsers", "PassRole",
        "PutRolePolicy", "RemoveUserFromGroup", "TagRole", "UntagRole", "UpdateAccessKey",
        "UpdateAssumeRolePolicy",
      ]),
    ServiceSpec(
      "kinesis", weight: 5, sid: "KinesisStreams",
      actions: [
        "CreateStream", "DeleteStream", "DescribeStream", "DescribeStreamSummary", "GetRecords",
        "GetShardIterator",
        "IncreaseStreamRetentionPeriod", "ListShards", "ListStreams", "MergeShards", "PutRecord",
        "PutRecords",
        "SplitShard",
      ]),
    ServiceSpec(
      "kms", weight: 20, sid: "KMSKeys",
      actions: [
        "CancelKeyDeletion", "CreateAlias", "CreateGrant", "CreateKey", "Decrypt", "DescribeKey",
        "DisableKey",
        "EnableKey", "EnableKeyRotation", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GetKeyPolicy", "ListAliases", "ListKeys", "PutKeyPolicy", "ReEncryptFrom", "ReEncryptTo",
        "RetireGrant",
        "RevokeGrant", "ScheduleKeyDeletion",
      ]),
    ServiceSpec(
      "lambda", weight: 40, sid: "LambdaFunctions",
      actions: [
        "AddPermission", "CreateAlias", "CreateEventSourceMapping", "CreateFunction", "DeleteAlias",
        "DeleteEventSourceMapping", "DeleteFunction", "GetFunction", "GetFunctionConfiguration",
        "InvokeFunction",
        "ListEventSourceMappings", "ListFunctions", "ListTags", "PublishVersion", "PutFunctionConcurrency",
        "RemovePermission", "TagResource", "UpdateAlias", "UpdateFunctionCode", "UpdateFunctionConfiguration",
      ]),
    ServiceSpec(
      "logs", weight: 15, sid: "Logs",
      actions: [
        "CreateExportTask", "DeleteLogGroup", "DeleteLogStream", "DeleteRetentionPolicy",
        "DeleteSubscriptionFilter",
        "DescribeLogGroups", "DescribeLogStreams", "FilterLogEvents", "GetLogEvents", "GetQueryResults",
        "PutMetricFilter", "PutRetentionPolicy", "PutSubscriptionFilter", "StartQuery", "StopQuery",
        "TagLogGroup",
      ]),
    ServiceSpec(
      "rds", weight: 130, sid: "RDS",
      actions: [
        "AddTagsToResource", "CopyDBSnapshot", "CreateDBCluster", "CreateDBClusterSnapshot",
        "CreateDBInstance",
        "CreateDBSnapshot", "CreateDBSubnetGroup", "DeleteDBCluster", "DeleteDBInstance", "DeleteDBSnapshot",
        "DescribeDBClusterSnapshots", "DescribeDBClusters", "DescribeDBInstances", "DescribeDBLogFiles",
        "DescribeDBParameterGroups", "DescribeDBSnapshots", "DescribeDBSubnetGroups",
        "DownloadDBLogFilePortion",
        "ListTagsForResource", "ModifyDBCluster", "ModifyDBInstance", "ModifyDBParameterGroup",
        "RebootDBInstance",
        "RemoveTagsFromResource", "RestoreDBInstanceFromDBSnapshot", "StartDBInstance", "StopDBInstance",
      ]),
    ServiceSpec(
      "s3", weight: 220, sid: "S3Buckets",
      actions: [
        "AbortMultipartUpload", "CreateBucket", "DeleteBucket", "DeleteBucketPolicy", "DeleteObject",
        "DeleteObjectVersion", "GetBucketAcl", "GetBucketLocation", "GetBucketPolicy",
        "GetBucketPublicAccessBlock",
        "GetBucketTagging", "GetBucketVersioning", "GetEncryptionConfiguration", "GetLifecycleConfiguration",
        "GetObject", "GetObjectAcl", "GetObjectVersion", "ListAllMyBuckets", "ListBucket",
        "ListBucketVersions",
        "ListMultipartUploadParts", "PutBucketAcl", "PutBucketPolicy", "PutBucketPublicAccessBlock",
        "PutBucketTagging", "PutBucketVersioning", "PutEncryptionConfiguration", "PutLifecycleConfiguration",
        "PutObject", "PutObjectAcl", "PutObjectTagging", "RestoreObject",
      ]),
    ServiceSpec(
      "secretsmanager", weight: 15, sid: "Secrets",
      actions: [
        "CreateSecret", "DeleteSecret", "DescribeSecret", "GetResourcePolicy", "GetSecretValue",
        "ListSecretVersionIds",
        "ListSecrets", "PutResourcePolicy", "PutSecretValue", "RestoreSecret", "RotateSecret", "TagResource",
        "UntagResource", "UpdateSecret",
      ]),
    ServiceSpec(
      "sns", weight: 20, sid: "SNSTopics",
      actions: [
        "ConfirmSubscription", "CreateTopic", "DeleteTopic", "GetTopicAttributes", "ListSubscriptions",
        "ListSubscriptionsByTopic", "ListTopics", "Publish", "SetSubscriptionAttributes",
        "SetTopicAttributes",
        "Subscribe", "TagResource", "Unsubscribe",
      ]),
    ServiceSpec(
      "sqs", weight: 25, sid: "SQSQueues",
      actions: [
        "AddPermission", "ChangeMessageVisibility", "CreateQueue", "DeleteMessage", "DeleteMessageBatch",
        "DeleteQueue",
        "GetQueueAttributes", "GetQueueUrl", "ListQueueTags", "ListQueues", "PurgeQueue", "ReceiveMessage",
        "SendMessage", "SendMessageBatch", "SetQueueAttributes", "TagQueue",
      ]),
    ServiceSpec(
      "ssm", weight: 5, sid: "SystemsManager",
      actions: [
        "AddTagsToResource", "CreateDocument", "DeleteDocument", "DeleteParameter", "DeleteParameters",
        "DescribeInstanceInformation", "DescribeParameters", "GetCommandInvocation", "GetParameterHistory",
        "ListCommandInvocations", "ListCommands", "PutParameter", "SendCommand", "StartSession",
        "TerminateSession",
      ]),
    ServiceSpec(
      "states", weight: 5, sid: "StepFunctions",
      actions: [
        "CreateStateMachine", "DeleteStateMachine", "DescribeExecution", "DescribeStateMachine",
        "GetExecutionHistory",
        "ListExecutions", "ListStateMachines", "SendTaskFailure", "SendTaskHeartbeat", "SendTaskSuccess",
        "StartExecution", "StopExecution", "UpdateStateMachine",
      ]),
    ServiceSpec(
      "sts", weight: 5, sid: "STS",
      actions: [
        "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "DecodeAuthorizationMessage",
        "GetAccessKeyInfo", "GetCallerIdentity", "GetFederationToken", "GetSessionToken", "SetSourceIdentity",
        "TagSession",
      ]),
  ]

  /// `services[i].weight`, for weighted draws.
  static let serviceWeights: [Int] = services.map(\.weight)
  /// The sum of `serviceWeights`.
  static let serviceWeightTotal: Int = serviceWeights.reduce(0, +)

  /// How a team is matched in `teams.yml`.
  enum Rule: Sendable {
    /// By a `team=<id>` tag (and, through `owner_tags`, an `owner=<id>` tag).
    case tag
    /// By its accounts.
    case account
    /// By ARN globs on its name prefix.
    case arnGlob
  }

  /// A team the sample knows by name, with workload role names that look like its systems.
  struct TeamTemplate: Sendable {
    let id: String
    let name: String
    let rule: Rule
    /// Role names in the order the team created them; the first ones exist in every account of the team.
    let roles: [String]
  }

  /// Named teams, in `teams.yml` order. The ARN-glob and account-matched teams come early so that
  /// small samples (the demo has six teams) show all three kinds of rule.
  static let teams: [TeamTemplate] = [
    TeamTemplate(
      id: "payments", name: "Payments Platform", rule: .tag,
      roles: [
        "payments-api", "payments-ledger-worker", "checkout-lambda-exec", "payments-refunds-service",
        "payments-fraud-scoring", "payments-settlement-batch", "payments-webhook-dispatcher",
        "payments-reconciliation-job", "card-vault-proxy", "payments-invoice-renderer",
        "payments-payouts-scheduler",
        "payments-currency-rates-sync",
      ]),
    TeamTemplate(
      id: "search", name: "Search", rule: .arnGlob,
      roles: [
        "search-indexer-ecs-task", "search-query-api", "search-opensearch-snapshots",
        "search-ranking-trainer",
        "search-synonyms-sync", "search-crawler-lambda-exec", "search-feature-store",
        "search-autocomplete-api",
      ]),
    TeamTemplate(
      id: "networking", name: "Networking", rule: .account,
      roles: [
        "networking-transit-gateway-automation", "vpc-flow-logs-delivery", "networking-route53-updater",
        "networking-ipam-sync", "firewall-manager-lambda-exec", "networking-dns-failover",
        "networking-nat-monitor",
        "direct-connect-monitor",
      ]),
    TeamTemplate(
      id: "identity", name: "Identity & Access", rule: .tag,
      roles: [
        "identity-scim-sync", "identity-token-service", "access-review-bot", "identity-sso-provisioner",
        "iam-policy-linter-lambda-exec", "identity-session-broker", "identity-directory-sync",
        "mfa-enrollment-api",
        "identity-audit-export",
      ]),
    TeamTemplate(
      id: "data-platform", name: "Data Platform", rule: .tag,
      roles: [
        "data-platform-glue-etl", "data-platform-airflow-worker", "data-platform-emr-ec2",
        "athena-query-runner",
        "data-platform-redshift-loader", "data-lake-crawler", "data-platform-kinesis-ingest",
        "dbt-runner-ecs-task",
        "data-platform-export-api", "data-quality-checks",
      ]),
    TeamTemplate(
      id: "mobile", name: "Mobile Backend", rule: .tag,
      roles: [
        "mobile-bff-api", "mobile-push-notifier", "mobile-auth-lambda-exec", "mobile-config-service",
        "mobile-device-registry", "app-store-receipts-validator", "mobile-analytics-collector",
        "mobile-feature-flags",
      ]),
    TeamTemplate(
      id: "observability", name: "Observability", rule: .tag,
      roles: [
        "observability-grafana-readonly", "observability-prometheus-remote-write",
        "observability-otel-collector",
        "cloudwatch-exporter", "observability-alert-router", "observability-log-shipper",
        "observability-synthetics-canary", "observability-cost-reporter",
      ]),
    TeamTemplate(
      id: "support-tools", name: "Customer Support Tools", rule: .tag,
      roles: [
        "support-tools-ticket-sync", "support-tools-zendesk-webhook", "support-tools-refund-console",
        "support-tools-agent-portal-api", "support-tools-transcript-archiver", "support-tools-csat-survey",
      ]),
    TeamTemplate(
      id: "fulfilment", name: "Fulfilment", rule: .tag,
      roles: [
        "fulfilment-order-router", "warehouse-events-consumer", "fulfilment-label-printer",
        "fulfilment-carrier-rates",
        "fulfilment-returns-api",
      ]),
    TeamTemplate(
      id: "ml-platform", name: "ML Platform", rule: .tag,
      roles: [
        "ml-platform-sagemaker-exec", "ml-platform-feature-pipeline", "ml-platform-model-registry",
        "ml-platform-batch-inference",
      ]),
    TeamTemplate(
      id: "growth", name: "Growth & Experimentation", rule: .tag,
      roles: [
        "growth-experiment-assigner", "growth-email-campaigns", "growth-referral-api", "growth-segment-sync",
      ]),
    TeamTemplate(
      id: "billing", name: "Billing", rule: .tag,
      roles: [
        "billing-subscriptions-api", "billing-usage-aggregator", "billing-dunning-worker",
        "billing-tax-lambda-exec",
      ]),
    TeamTemplate(
      id: "catalog", name: "Product Catalog", rule: .tag,
      roles: [
        "catalog-api", "catalog-image-resizer-lambda-exec", "catalog-import-worker", "catalog-price-feed",
      ]),
    TeamTemplate(
      id: "security-engineering", name: "Security Engineering", rule: .tag,
      roles: ["security-guardduty-responder", "security-config-remediator", "security-scanner-ecs-task"]),
    TeamTemplate(
      id: "developer-experience", name: "Developer Experience", rule: .tag,
      roles: ["devex-build-cache", "devex-preview-environments", "devex-backstage-catalog"]),
    TeamTemplate(
      id: "messaging", name: "Messaging", rule: .tag,
      roles: ["messaging-sms-sender", "messaging-email-renderer", "messaging-inbox-api"]),
    TeamTemplate(
      id: "risk", name: "Risk & Compliance", rule: .tag,
      roles: ["risk-kyc-checks", "risk-sanctions-screening", "risk-evidence-archiver"]),
    TeamTemplate(
      id: "edge", name: "Edge & CDN", rule: .tag,
      roles: ["edge-cloudfront-invalidator", "edge-waf-rules-sync", "edge-cert-renewer"]),
  ]

  /// Bases for the names of teams beyond the named ones: "Logistics 23" and so on.
  static let extraTeamNames = [
    "Logistics", "Pricing", "Recommendations", "Marketplace", "Loyalty", "Inventory", "Notifications",
    "Partner Integrations", "Reporting", "Onboarding", "Storefront", "Returns", "Subscriptions", "Ads",
    "Media",
    "Maps", "Travel", "Insurance", "Lending", "Rewards",
  ]

  /// Nouns and workload kinds for role names beyond a team's named ones:
  /// `logistics-23-orders-consumer`.
  static let roleNouns = [
    "orders", "events", "ledger", "reports", "ingest", "exports", "notifications", "pricing", "sessions",
    "audit",
    "profiles", "cache", "scheduler", "gateway", "webhooks", "metrics", "archive", "backfill", "media",
    "thumbnails", "invoices", "inventory", "shipping", "feeds", "quotes", "accounts", "documents", "emails",
    "imports", "partners",
  ]
  /// See `roleNouns`.
  static let roleKinds = [
    "api", "worker", "lambda-exec", "ecs-task", "batch", "consumer", "producer", "cron", "etl", "readonly",
    "service", "job", "processor", "sync",
  ]

  /// Champions, approvers and reviewers: display name and e-mail local part. Diverse on purpose,
  /// including non-ASCII letters and an apostrophe, which every page must escape.
  static let people: [(name: String, email: String)] = [
    ("Priya Raman", "priya.raman"), ("Mateo García", "mateo.garcia"), ("Wei Chen", "wei.chen"),
    ("Amara Okafor", "amara.okafor"), ("Siobhán O'Connor", "siobhan.oconnor"),
    ("Tomasz Kowalski", "tomasz.kowalski"),
    ("Aiko Tanaka", "aiko.tanaka"), ("Kwame Mensah", "kwame.mensah"), ("Fatima Benali", "fatima.benali"),
    ("Lars Eriksson", "lars.eriksson"), ("Nguyễn Thu Hà", "ha.nguyen"),
    ("Olusegun Adeyemi", "olusegun.adeyemi"),
    ("Isabela Costa", "isabela.costa"), ("Rahul Mehta", "rahul.mehta"), ("Sofia Rossi", "sofia.rossi"),
    ("Yusuf Demir", "yusuf.demir"), ("Hannah Schmidt", "hannah.schmidt"),
    ("Diego Hernández", "diego.hernandez"),
    ("Mei Lin", "mei.lin"), ("Arjun Nair", "arjun.nair"), ("Leila Haddad", "leila.haddad"),
    ("Jonas Berg", "jonas.berg"), ("Ana Petrović", "ana.petrovic"), ("Kofi Boateng", "kofi.boateng"),
    ("Emily Carter", "emily.carter"), ("Hiroshi Sato", "hiroshi.sato"), ("Zanele Dlamini", "zanele.dlamini"),
    ("Marta Nowak", "marta.nowak"), ("Omar Farouk", "omar.farouk"), ("Chloé Dubois", "chloe.dubois"),
    ("Ji-woo Park", "jiwoo.park"), ("Sipho Ndlovu", "sipho.ndlovu"),
  ]

  /// The security lead who approves exceptions in every team's review file.
  static let approvers = ["Dana Whitfield", "Miguel Ángel Torres", "Grace Liu"]

  /// First names and surnames for human IAM users (`alice.nguyen`), ASCII as IAM user names are in practice.
  static let userFirstNames = [
    "alice", "bruno", "chloe", "deepak", "elena", "farid", "grace", "hugo", "ines", "jamal", "kenji", "lucia",
    "mohammed", "nadia", "oscar", "paula", "quentin", "rosa", "samir", "tara", "umar", "valeria", "wen",
    "ximena",
    "yara", "zoltan",
  ]
  /// See `userFirstNames`.
  static let userLastNames = [
    "nguyen", "smith", "okoye", "kumar", "rossi", "haddad", "tanaka", "garcia", "novak", "berg", "mensah",
    "silva",
    "kaur", "dubois", "ivanova", "ali", "cohen", "park", "moreau", "jensen",
  ]

  /// Roles people create by hand in a sandbox account.
  static let sandboxRoles = [
    "sandbox-experiment", "temp-admin-do-not-use", "test-lambda-role", "poc-bedrock-chatbot",
    "hackathon-2025-demo",
    "scratch-ec2-role", "load-test-runner", "jupyter-notebook-role",
  ]

  /// Regions accounts live in.
  static let regions = ["us-east-1", "eu-west-1", "us-west-2", "eu-central-1", "ap-southeast-2"]
}

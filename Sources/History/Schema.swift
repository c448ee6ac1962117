import GRDB

/// The store's tables, migration by migration. Stores made by earlier versions are converted in
/// place: no recorded history is lost.
enum Schema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in try db.execute(sql: v1) }
    migrator.registerMigration("v2: sources, policies, recommendations, root users") { db in
      try db.execute(
        sql: """
          ALTER TABLE item ADD COLUMN sources INTEGER NOT NULL DEFAULT 1;
          ALTER TABLE principal ADD COLUMN policies TEXT NOT NULL DEFAULT '';
          ALTER TABLE principal ADD COLUMN recommendations TEXT NOT NULL DEFAULT '';
          ALTER TABLE principal ADD COLUMN recommendationsDay INTEGER;
          ALTER TABLE snapshot ADD COLUMN rootAccounts TEXT NOT NULL DEFAULT '';
          ALTER TABLE snapshot ADD COLUMN notes TEXT NOT NULL DEFAULT '';
          """)
    }
    migrator.registerMigration("v3: truncated exports") { db in
      try db.execute(sql: "ALTER TABLE snapshot ADD COLUMN truncated TEXT NOT NULL DEFAULT ''")
    }
    migrator.registerMigration(v4Identifier) { db in try CompactConversion.convert(db) }
    migrator.registerMigration(v5Identifier) { db in try InlineConversion.convert(db) }
    return migrator
  }

  static let v4Identifier = "v4: compact"
  static let v5Identifier = "v5: inline policies"

  /// What v5 adds to v4: a row of each principal's inline policies, when it has any. A night
  /// replaces most inline policies as unused access is removed, so they are not shared as managed
  /// ones are in `policy` (a shared row would be inserted and another deleted, with the hash index
  /// kept up to date); descriptions refer to each policy in order, managed by id and inline by
  /// position in this row (see `DescriptionCoding`). `policy` keeps only managed policies.
  static let v5 = """
    CREATE TABLE inlinePolicies (
      principal INTEGER PRIMARY KEY,
      policies BLOB NOT NULL
    );
    """

  /// A principal row (its latest description, with policy documents stored once each) and a
  /// history row holding its items and their runs (see `PrincipalHistory`); item texts are
  /// stored once each. The history is a table of its own because it is what changes every night,
  /// and reading principals should not mean reading past it. Every query reads a table (or the
  /// one index) whole or finds a row by its primary key.
  static let v4 = """
    CREATE TABLE snapshot (
      day INTEGER PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      hasInventory INTEGER NOT NULL,
      sources TEXT NOT NULL,
      rootAccounts BLOB NOT NULL,
      notes TEXT NOT NULL,
      truncated TEXT NOT NULL
    );
    CREATE TABLE counter (
      name TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO counter (name, value) VALUES ('lastItem', 0);
    CREATE TABLE term (
      id INTEGER PRIMARY KEY,
      text TEXT NOT NULL
    );
    CREATE TABLE policy (
      id INTEGER PRIMARY KEY,
      hash INTEGER NOT NULL,
      body BLOB NOT NULL
    );
    -- Covers reading every (id, hash) pair, which otherwise means reading every document.
    CREATE INDEX policyHash ON policy(hash);
    CREATE TABLE principal (
      id INTEGER PRIMARY KEY,
      arn TEXT NOT NULL,
      signature INTEGER NOT NULL,
      description BLOB NOT NULL,
      recommendations BLOB,
      recommendationsDay INTEGER
    );
    CREATE TABLE history (
      principal INTEGER PRIMARY KEY,
      data BLOB NOT NULL
    );
    """

  private static let v1 = """
    CREATE TABLE snapshot (
      day INTEGER PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      hasInventory INTEGER NOT NULL,
      sources TEXT NOT NULL
    );
    CREATE TABLE principal (
      id INTEGER PRIMARY KEY,
      arn TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      account TEXT NOT NULL,
      path TEXT NOT NULL,
      tags TEXT NOT NULL,
      createdDay INTEGER,
      lastUsedDay INTEGER,
      inInventory INTEGER NOT NULL
    );
    CREATE TABLE presence (
      principal INTEGER NOT NULL REFERENCES principal(id),
      firstDay INTEGER NOT NULL,
      lastDay INTEGER,
      PRIMARY KEY (principal, firstDay)
    ) WITHOUT ROWID;
    CREATE TABLE item (
      id INTEGER PRIMARY KEY,
      principal INTEGER NOT NULL REFERENCES principal(id),
      kind TEXT NOT NULL,
      service TEXT NOT NULL,
      detail TEXT NOT NULL,
      itemKey TEXT NOT NULL,
      lastUsedDay INTEGER,
      findingID TEXT NOT NULL,
      findingCreatedDay INTEGER,
      UNIQUE (principal, itemKey)
    );
    CREATE TABLE run (
      item INTEGER NOT NULL REFERENCES item(id),
      status TEXT NOT NULL,
      firstDay INTEGER NOT NULL,
      lastDay INTEGER,
      PRIMARY KEY (item, firstDay)
    ) WITHOUT ROWID;
    CREATE INDEX runOpen ON run(lastDay);
    CREATE INDEX presenceOpen ON presence(lastDay);
    """
}

import TemplateEngine

// How templates see the page models: each model names its fields for the template engine in an
// enum and gives their values in a switch over it, so rendering reads typed values directly,
// without reflection or dictionaries, and looks each name up by string only once per render.

extension LayoutModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case siteTitle, pageTitle, root, bodyHTML, snapshot, hasSnapshot, generated, navigation, banner,
      hasBanner, sourceAges, feedHref, hasFeed
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .siteTitle: .string(siteTitle)
    case .pageTitle: .string(pageTitle)
    case .root: .string(root)
    case .bodyHTML: .renderedInPlace(bodyHTML)
    case .snapshot: .string(snapshot)
    case .hasSnapshot: .bool(hasSnapshot)
    case .generated: .string(generated)
    case .navigation: .list(navigation)
    case .banner: .list(banner)
    case .hasBanner: .bool(hasBanner)
    case .sourceAges: .string(sourceAges)
    case .feedHref: .string(feedHref)
    case .hasFeed: .bool(hasFeed)
    }
  }
}

extension NavigationLink: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case label, href, isCurrent
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .label: .string(label)
    case .href: .string(href)
    case .isCurrent: .bool(isCurrent)
    }
  }
}

extension Card: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case label, value, detail, hasDetail
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .label: .string(label)
    case .value: .string(value)
    case .detail: .string(detail)
    case .hasDetail: .bool(hasDetail)
    }
  }
}

extension QuarterRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case quarter, identified, removed, rate, hasSnapshots
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .quarter: .string(quarter)
    case .identified: .string(identified)
    case .removed: .string(removed)
    case .rate: .string(rate)
    case .hasSnapshots: .bool(hasSnapshots)
    }
  }
}

extension ServiceRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case service, count, share
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .service: .string(service)
    case .count: .string(count)
    case .share: .string(share)
    }
  }
}

extension TopPrincipalRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case rank, name, arn, account, kind, teamName, href, count
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .rank: .int(rank)
    case .name: .string(name)
    case .arn: .string(arn)
    case .account: .string(account)
    case .kind: .string(kind)
    case .teamName: .string(teamName)
    case .href: .string(href)
    case .count: .string(count)
    }
  }
}

extension TeamRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case name, href, champions, principals, rolesWithUnused, unusedPermissions, identified, removed, rate,
      ratePercent, checklist, checklistHref, hasChecklist, overdue, sparklineSVG, isUnowned
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(name)
    case .href: .string(href)
    case .champions: .string(champions)
    case .principals: .string(principals)
    case .rolesWithUnused: .string(rolesWithUnused)
    case .unusedPermissions: .string(unusedPermissions)
    case .identified: .string(identified)
    case .removed: .string(removed)
    case .rate: .string(rate)
    case .ratePercent: .int(ratePercent)
    case .checklist: .string(checklist)
    case .checklistHref: .string(checklistHref)
    case .hasChecklist: .bool(hasChecklist)
    case .overdue: .string(overdue)
    case .sparklineSVG: .string(sparklineSVG)
    case .isUnowned: .bool(isUnowned)
    }
  }
}

extension LinkModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case label, href
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .label: .string(label)
    case .href: .string(href)
    }
  }
}

extension ProblemRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case location, message
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .location: .string(location)
    case .message: .string(message)
    }
  }
}

extension ChartModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case svg, narrowSVG, fileHref, caption, columns, rows, hasData, hasTable
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .svg: .string(svg)
    case .narrowSVG: .string(narrowSVG)
    case .fileHref: .string(fileHref)
    case .caption: .string(caption)
    case .columns: .list(columns)
    case .rows: .list(rows.map { TemplateValue.list($0) })
    case .hasData: .bool(hasData)
    case .hasTable: .bool(hasTable)
    }
  }
}

extension DashboardModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case hasSnapshot, snapshot, quarter, snapshotCount, cards, credentialCards, quarterChart, quarterRows,
      openChart, topPrincipals, hasTopPrincipals, serviceChart, serviceRows, teams, leaderboardChart,
      checklistsHref, procedures, hasProcedures, problems, hasProblems, rootAccounts, hasRootAccounts,
      sourceNotes, hasSourceNotes, oldestItems, hasOldestItems, activity
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .hasSnapshot: .bool(hasSnapshot)
    case .snapshot: .string(snapshot)
    case .quarter: .string(quarter)
    case .snapshotCount: .string(snapshotCount)
    case .cards: .list(cards)
    case .credentialCards: .list(credentialCards)
    case .quarterChart: .object(quarterChart)
    case .quarterRows: .list(quarterRows)
    case .openChart: .object(openChart)
    case .topPrincipals: .list(topPrincipals)
    case .hasTopPrincipals: .bool(hasTopPrincipals)
    case .serviceChart: .object(serviceChart)
    case .serviceRows: .list(serviceRows)
    case .teams: .list(teams)
    case .leaderboardChart: .object(leaderboardChart)
    case .checklistsHref: .string(checklistsHref)
    case .procedures: .list(procedures)
    case .hasProcedures: .bool(hasProcedures)
    case .problems: .list(problems)
    case .hasProblems: .bool(hasProblems)
    case .rootAccounts: .list(rootAccounts)
    case .hasRootAccounts: .bool(hasRootAccounts)
    case .sourceNotes: .list(sourceNotes)
    case .hasSourceNotes: .bool(hasSourceNotes)
    case .oldestItems: .list(oldestItems)
    case .hasOldestItems: .bool(hasOldestItems)
    case .activity: activity.map { .object($0) } ?? .null
    }
  }
}

extension RootAccountRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case account, passwordLastUsed, mfa, accessKeys, needsAttention
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .account: .string(account)
    case .passwordLastUsed: .string(passwordLastUsed)
    case .mfa: .string(mfa)
    case .accessKeys: .string(accessKeys)
    case .needsAttention: .bool(needsAttention)
    }
  }
}

extension ChampionModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case name, email, hasEmail
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(name)
    case .email: .string(email)
    case .hasEmail: .bool(hasEmail)
    }
  }
}

extension TagModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case key, value
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .key: .string(self.key)
    case .value: .string(value)
    }
  }
}

extension ItemModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case what, kind, lastUsed, openSince, daysOpen, recommendation, isAccepted, sources, overdue, isOverdue
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .what: .string(what)
    case .kind: .string(kind)
    case .lastUsed: .string(lastUsed)
    case .openSince: .string(openSince)
    case .daysOpen: .string(daysOpen)
    case .recommendation: .string(recommendation)
    case .isAccepted: .bool(isAccepted)
    case .sources: .string(sources)
    case .overdue: .string(overdue)
    case .isOverdue: .bool(isOverdue)
    }
  }
}

extension TeamModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case name, isUnowned, champions, hasChampions, hasSnapshot, snapshot, quarter, cards, quarterChart,
      quarterRows, openChart, serviceRows, checklistDone, checklistTotal, checklistPercent, checklistHref,
      hasChecklist, principals, pager, hasPrincipals, principalCount, activity, overdueCount
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(name)
    case .isUnowned: .bool(isUnowned)
    case .champions: .list(champions)
    case .hasChampions: .bool(hasChampions)
    case .hasSnapshot: .bool(hasSnapshot)
    case .snapshot: .string(snapshot)
    case .quarter: .string(quarter)
    case .cards: .list(cards)
    case .quarterChart: .object(quarterChart)
    case .quarterRows: .list(quarterRows)
    case .openChart: .object(openChart)
    case .serviceRows: .list(serviceRows)
    case .checklistDone: .string(checklistDone)
    case .checklistTotal: .string(checklistTotal)
    case .checklistPercent: .int(checklistPercent)
    case .checklistHref: .string(checklistHref)
    case .hasChecklist: .bool(hasChecklist)
    case .principals: .list(principals)
    case .pager: .object(pager)
    case .hasPrincipals: .bool(hasPrincipals)
    case .principalCount: .string(principalCount)
    case .activity: activity.map { .object($0) } ?? .null
    case .overdueCount: .string(overdueCount)
    }
  }
}

extension ChecklistItemModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case id, text, isDone, signedBy, signedOn, note, hasNote, isCarriedOver
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .id: .string(id)
    case .text: .string(text)
    case .isDone: .bool(isDone)
    case .signedBy: .string(signedBy)
    case .signedOn: .string(signedOn)
    case .note: .string(note)
    case .hasNote: .bool(hasNote)
    case .isCarriedOver: .bool(isCarriedOver)
    }
  }
}

extension ChecklistSectionModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case title, href, hasHref, items
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .title: .string(title)
    case .href: .string(href)
    case .hasHref: .bool(hasHref)
    case .items: .list(items)
    }
  }
}

extension TeamChecklistModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case teamName, teamHref, quarter, due, done, total, percent, carriedOver, hasCarriedOver, reviewFile,
      sections, hasItems, markdownHref, otherQuarters
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .teamName: .string(teamName)
    case .teamHref: .string(teamHref)
    case .quarter: .string(quarter)
    case .due: .string(due)
    case .done: .string(done)
    case .total: .string(total)
    case .percent: .int(percent)
    case .carriedOver: .string(carriedOver)
    case .hasCarriedOver: .bool(hasCarriedOver)
    case .reviewFile: .string(reviewFile)
    case .sections: .list(sections)
    case .hasItems: .bool(hasItems)
    case .markdownHref: .string(markdownHref)
    case .otherQuarters: .list(otherQuarters)
    }
  }
}

extension ChecklistProgressRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case teamName, href, done, total, percent, percentText, status, isOverdue
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .teamName: .string(teamName)
    case .href: .string(href)
    case .done: .string(done)
    case .total: .string(total)
    case .percent: .int(percent)
    case .percentText: .string(percentText)
    case .status: .string(status)
    case .isOverdue: .bool(isOverdue)
    }
  }
}

extension QuarterChecklistsModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case quarter, due, rows, overdueCount
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .quarter: .string(quarter)
    case .due: .string(due)
    case .rows: .list(rows)
    case .overdueCount: .string(overdueCount)
    }
  }
}

extension ProcedureModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case title, showsTitle, bodyHTML, isChecklist, checklistNote
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .title: .string(title)
    case .showsTitle: .bool(showsTitle)
    case .bodyHTML: .string(bodyHTML)
    case .isChecklist: .bool(isChecklist)
    case .checklistNote: .string(checklistNote)
    }
  }
}

extension ChangeRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case day, principal, href, access, team
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .day: .string(day)
    case .principal: .string(principal)
    case .href: .string(href)
    case .access: .string(access)
    case .team: .string(team)
    }
  }
}

extension ChangeGroup: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case title, count, rows, hasRows, more, hasMore
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .title: .string(title)
    case .count: .string(count)
    case .rows: .list(rows)
    case .hasRows: .bool(hasRows)
    case .more: .string(more)
    case .hasMore: .bool(hasMore)
    }
  }
}

extension OldItemRow: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case principal, href, team, access, openSince, daysOpen, overdue, isOverdue
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .principal: .string(principal)
    case .href: .string(href)
    case .team: .string(team)
    case .access: .string(access)
    case .openSince: .string(openSince)
    case .daysOpen: .string(daysOpen)
    case .overdue: .string(overdue)
    case .isOverdue: .bool(isOverdue)
    }
  }
}

extension ActivityModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case since, hasSince, groups, feedHref, csvHref, jsonHref, hasExports
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .since: .string(since)
    case .hasSince: .bool(hasSince)
    case .groups: .list(groups)
    case .feedHref: .string(feedHref)
    case .csvHref: .string(csvHref)
    case .jsonHref: .string(jsonHref)
    case .hasExports: .bool(hasExports)
    }
  }
}

// A diff's lines are shown as the diff makes them: copying each into a model of its own made a
// second list of every diff.
extension LineDiff.Line: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    /// The line's UTF-8, a part of the policy document it comes from.
    case text
    case isAdded, isRemoved, isSame
    /// A run of unchanged lines left out; `text` says how many.
    case isSkipped
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .text: .utf8InPlace(bytes)
    case .isAdded: .bool(change == .added)
    case .isRemoved: .bool(change == .removed)
    case .isSame: .bool(change == .same)
    case .isSkipped: .bool(change == .skipped)
    }
  }
}

extension PolicyChangeModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case name, arn, hasARN, kindLabel, origin, removed, hasRemoved, notes, hasNotes, diff, hasDiff,
      afterJSON, hasAfter
    /// The diff's lines as the default theme marks them up, made when a template asks: the
    /// same markup as a section over `diff` would make, in one lookup instead of five a line.
    case diffHTML
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(name)
    case .arn: .string(arn)
    case .hasARN: .bool(hasARN)
    case .kindLabel: .string(kindLabel)
    case .origin: .string(origin)
    case .removed: .string(removed)
    case .hasRemoved: .bool(hasRemoved)
    case .notes: .list(notes)
    case .hasNotes: .bool(hasNotes)
    // The lines alone: the model, which holds their text, outlives the render.
    case .diff: .list(diff.lines)
    case .diffHTML: .rendered(diff.html(escapedBy: Theme.escaper))
    case .hasDiff: .bool(hasDiff)
    case .afterJSON: .utf8(afterJSON)
    case .hasAfter: .bool(hasAfter)
    }
  }
}

extension ItemGroupModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case title, count, items
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .title: .string(title)
    case .count: .string(count)
    case .items: .list(items)
    }
  }
}

extension PrincipalPageModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case name, kind, arn, account, path, created, lastUsed, isInInventory, tags, hasTags, teamName, teamHref,
      snapshot, summary, groups, accepted, hasAccepted, recommendationNote, hasRecommendationNote,
      policyChanges, hasPolicyChanges, policiesNote
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(name)
    case .kind: .string(kind)
    case .arn: .string(arn)
    case .account: .string(account)
    case .path: .string(path)
    case .created: .string(created)
    case .lastUsed: .string(lastUsed)
    case .isInInventory: .bool(isInInventory)
    case .tags: .list(tags)
    case .hasTags: .bool(hasTags)
    case .teamName: .string(teamName)
    case .teamHref: .string(teamHref)
    case .snapshot: .string(snapshot)
    case .summary: .string(summary)
    case .groups: .list(groups)
    case .accepted: .list(accepted)
    case .hasAccepted: .bool(hasAccepted)
    case .recommendationNote: .string(recommendationNote)
    case .hasRecommendationNote: .bool(hasRecommendationNote)
    case .policyChanges: .list(policyChanges)
    case .hasPolicyChanges: .bool(hasPolicyChanges)
    case .policiesNote: .string(policiesNote)
    }
  }
}

extension PrincipalRowModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case name, href, kind, account, summary, examples, openSince, hasOpenSince, overdue, isOverdue
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(name)
    case .href: .string(href)
    case .kind: .string(kind)
    case .account: .string(account)
    case .summary: .string(summary)
    case .examples: .string(examples)
    case .openSince: .string(openSince)
    case .hasOpenSince: .bool(hasOpenSince)
    case .overdue: .string(overdue)
    case .isOverdue: .bool(isOverdue)
    }
  }
}

extension PagerModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case summary, links, hasPages, previousHref, hasPrevious, nextHref, hasNext
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .summary: .string(summary)
    case .links: .list(links)
    case .hasPages: .bool(hasPages)
    case .previousHref: .string(previousHref)
    case .hasPrevious: .bool(hasPrevious)
    case .nextHref: .string(nextHref)
    case .hasNext: .bool(hasNext)
    }
  }
}

extension PagerLink: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case label, href, isCurrent, isGap
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .label: .string(label)
    case .href: .string(href)
    case .isCurrent: .bool(isCurrent)
    case .isGap: .bool(isGap)
    }
  }
}

extension PrincipalListModel: KeyedTemplateContext {
  enum TemplateKey: String, TemplateKeys {
    case teamName, pageLabel, principals, pager
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .teamName: .string(teamName)
    case .pageLabel: .string(pageLabel)
    case .principals: .list(principals)
    case .pager: .object(pager)
    }
  }
}

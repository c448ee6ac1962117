import TemplateEngine

// How templates see the page models: each model names its fields for the template engine with a
// plain switch, so rendering reads typed values directly, without reflection or dictionaries.

extension LayoutModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "siteTitle": .string(siteTitle)
    case "pageTitle": .string(pageTitle)
    case "root": .string(root)
    case "bodyHTML": .utf8(bodyHTML)
    case "snapshot": .string(snapshot)
    case "hasSnapshot": .bool(hasSnapshot)
    case "generated": .string(generated)
    case "navigation": .list(navigation)
    case "banner": .list(banner)
    case "hasBanner": .bool(hasBanner)
    case "sourceAges": .string(sourceAges)
    case "feedHref": .string(feedHref)
    case "hasFeed": .bool(hasFeed)
    default: nil
    }
  }
}

extension NavigationLink: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "label": .string(label)
    case "href": .string(href)
    case "isCurrent": .bool(isCurrent)
    default: nil
    }
  }
}

extension Card: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "label": .string(label)
    case "value": .string(value)
    case "detail": .string(detail)
    case "hasDetail": .bool(hasDetail)
    default: nil
    }
  }
}

extension QuarterRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "quarter": .string(quarter)
    case "identified": .string(identified)
    case "removed": .string(removed)
    case "rate": .string(rate)
    case "hasSnapshots": .bool(hasSnapshots)
    default: nil
    }
  }
}

extension ServiceRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "service": .string(service)
    case "count": .string(count)
    case "share": .string(share)
    default: nil
    }
  }
}

extension TopPrincipalRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "rank": .int(rank)
    case "name": .string(name)
    case "arn": .string(arn)
    case "account": .string(account)
    case "kind": .string(kind)
    case "teamName": .string(teamName)
    case "href": .string(href)
    case "count": .string(count)
    default: nil
    }
  }
}

extension TeamRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "href": .string(href)
    case "champions": .string(champions)
    case "principals": .string(principals)
    case "rolesWithUnused": .string(rolesWithUnused)
    case "unusedPermissions": .string(unusedPermissions)
    case "identified": .string(identified)
    case "removed": .string(removed)
    case "rate": .string(rate)
    case "ratePercent": .int(ratePercent)
    case "checklist": .string(checklist)
    case "checklistHref": .string(checklistHref)
    case "hasChecklist": .bool(hasChecklist)
    case "overdue": .string(overdue)
    case "sparklineSVG": .string(sparklineSVG)
    case "isUnowned": .bool(isUnowned)
    default: nil
    }
  }
}

extension LinkModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "label": .string(label)
    case "href": .string(href)
    default: nil
    }
  }
}

extension ProblemRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "location": .string(location)
    case "message": .string(message)
    default: nil
    }
  }
}

extension ChartModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "svg": .string(svg)
    case "narrowSVG": .string(narrowSVG)
    case "fileHref": .string(fileHref)
    case "caption": .string(caption)
    case "columns": .list(columns)
    case "rows": .list(rows.map { TemplateValue.list($0) })
    case "hasData": .bool(hasData)
    case "hasTable": .bool(hasTable)
    default: nil
    }
  }
}

extension DashboardModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "hasSnapshot": .bool(hasSnapshot)
    case "snapshot": .string(snapshot)
    case "quarter": .string(quarter)
    case "snapshotCount": .string(snapshotCount)
    case "cards": .list(cards)
    case "credentialCards": .list(credentialCards)
    case "quarterChart": .object(quarterChart)
    case "quarterRows": .list(quarterRows)
    case "openChart": .object(openChart)
    case "topPrincipals": .list(topPrincipals)
    case "hasTopPrincipals": .bool(hasTopPrincipals)
    case "serviceChart": .object(serviceChart)
    case "serviceRows": .list(serviceRows)
    case "teams": .list(teams)
    case "leaderboardChart": .object(leaderboardChart)
    case "checklistsHref": .string(checklistsHref)
    case "procedures": .list(procedures)
    case "hasProcedures": .bool(hasProcedures)
    case "problems": .list(problems)
    case "hasProblems": .bool(hasProblems)
    case "rootAccounts": .list(rootAccounts)
    case "hasRootAccounts": .bool(hasRootAccounts)
    case "sourceNotes": .list(sourceNotes)
    case "hasSourceNotes": .bool(hasSourceNotes)
    case "oldestItems": .list(oldestItems)
    case "hasOldestItems": .bool(hasOldestItems)
    case "activity": activity.map { .object($0) } ?? .null
    default: nil
    }
  }
}

extension RootAccountRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "account": .string(account)
    case "passwordLastUsed": .string(passwordLastUsed)
    case "mfa": .string(mfa)
    case "accessKeys": .string(accessKeys)
    case "needsAttention": .bool(needsAttention)
    default: nil
    }
  }
}

extension ChampionModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "email": .string(email)
    case "hasEmail": .bool(hasEmail)
    default: nil
    }
  }
}

extension TagModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "key": .string(key)
    case "value": .string(value)
    default: nil
    }
  }
}

extension ItemModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "what": .string(what)
    case "kind": .string(kind)
    case "lastUsed": .string(lastUsed)
    case "openSince": .string(openSince)
    case "daysOpen": .string(daysOpen)
    case "recommendation": .string(recommendation)
    case "isAccepted": .bool(isAccepted)
    case "sources": .string(sources)
    case "overdue": .string(overdue)
    case "isOverdue": .bool(isOverdue)
    default: nil
    }
  }
}

extension TeamModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "isUnowned": .bool(isUnowned)
    case "champions": .list(champions)
    case "hasChampions": .bool(hasChampions)
    case "hasSnapshot": .bool(hasSnapshot)
    case "snapshot": .string(snapshot)
    case "quarter": .string(quarter)
    case "cards": .list(cards)
    case "quarterChart": .object(quarterChart)
    case "quarterRows": .list(quarterRows)
    case "openChart": .object(openChart)
    case "serviceRows": .list(serviceRows)
    case "checklistDone": .string(checklistDone)
    case "checklistTotal": .string(checklistTotal)
    case "checklistPercent": .int(checklistPercent)
    case "checklistHref": .string(checklistHref)
    case "hasChecklist": .bool(hasChecklist)
    case "principals": .list(principals)
    case "pager": .object(pager)
    case "hasPrincipals": .bool(hasPrincipals)
    case "principalCount": .string(principalCount)
    case "activity": activity.map { .object($0) } ?? .null
    case "overdueCount": .string(overdueCount)
    default: nil
    }
  }
}

extension ChecklistItemModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "id": .string(id)
    case "text": .string(text)
    case "isDone": .bool(isDone)
    case "signedBy": .string(signedBy)
    case "signedOn": .string(signedOn)
    case "note": .string(note)
    case "hasNote": .bool(hasNote)
    case "isCarriedOver": .bool(isCarriedOver)
    default: nil
    }
  }
}

extension ChecklistSectionModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "title": .string(title)
    case "href": .string(href)
    case "hasHref": .bool(hasHref)
    case "items": .list(items)
    default: nil
    }
  }
}

extension TeamChecklistModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "teamName": .string(teamName)
    case "teamHref": .string(teamHref)
    case "quarter": .string(quarter)
    case "due": .string(due)
    case "done": .string(done)
    case "total": .string(total)
    case "percent": .int(percent)
    case "carriedOver": .string(carriedOver)
    case "hasCarriedOver": .bool(hasCarriedOver)
    case "reviewFile": .string(reviewFile)
    case "sections": .list(sections)
    case "hasItems": .bool(hasItems)
    case "markdownHref": .string(markdownHref)
    case "otherQuarters": .list(otherQuarters)
    default: nil
    }
  }
}

extension ChecklistProgressRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "teamName": .string(teamName)
    case "href": .string(href)
    case "done": .string(done)
    case "total": .string(total)
    case "percent": .int(percent)
    case "percentText": .string(percentText)
    case "status": .string(status)
    case "isOverdue": .bool(isOverdue)
    default: nil
    }
  }
}

extension QuarterChecklistsModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "quarter": .string(quarter)
    case "due": .string(due)
    case "rows": .list(rows)
    case "overdueCount": .string(overdueCount)
    default: nil
    }
  }
}

extension ProcedureModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "title": .string(title)
    case "showsTitle": .bool(showsTitle)
    case "bodyHTML": .string(bodyHTML)
    case "isChecklist": .bool(isChecklist)
    case "checklistNote": .string(checklistNote)
    default: nil
    }
  }
}

extension ChangeRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "day": .string(day)
    case "principal": .string(principal)
    case "href": .string(href)
    case "access": .string(access)
    case "team": .string(team)
    default: nil
    }
  }
}

extension ChangeGroup: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "title": .string(title)
    case "count": .string(count)
    case "rows": .list(rows)
    case "hasRows": .bool(hasRows)
    case "more": .string(more)
    case "hasMore": .bool(hasMore)
    default: nil
    }
  }
}

extension OldItemRow: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "principal": .string(principal)
    case "href": .string(href)
    case "team": .string(team)
    case "access": .string(access)
    case "openSince": .string(openSince)
    case "daysOpen": .string(daysOpen)
    case "overdue": .string(overdue)
    case "isOverdue": .bool(isOverdue)
    default: nil
    }
  }
}

extension ActivityModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "since": .string(since)
    case "hasSince": .bool(hasSince)
    case "groups": .list(groups)
    case "feedHref": .string(feedHref)
    case "csvHref": .string(csvHref)
    case "jsonHref": .string(jsonHref)
    case "hasExports": .bool(hasExports)
    default: nil
    }
  }
}

extension DiffLineModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "text": .string(text)
    case "isAdded": .bool(isAdded)
    case "isRemoved": .bool(isRemoved)
    case "isSame": .bool(isSame)
    case "isSkipped": .bool(isSkipped)
    default: nil
    }
  }
}

extension PolicyChangeModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "arn": .string(arn)
    case "hasARN": .bool(hasARN)
    case "kindLabel": .string(kindLabel)
    case "origin": .string(origin)
    case "removed": .string(removed)
    case "hasRemoved": .bool(hasRemoved)
    case "notes": .list(notes)
    case "hasNotes": .bool(hasNotes)
    case "diff": .list(diff)
    case "hasDiff": .bool(hasDiff)
    case "afterJSON": .utf8(afterJSON)
    case "hasAfter": .bool(hasAfter)
    default: nil
    }
  }
}

extension ItemGroupModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "title": .string(title)
    case "count": .string(count)
    case "items": .list(items)
    default: nil
    }
  }
}

extension PrincipalPageModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "kind": .string(kind)
    case "arn": .string(arn)
    case "account": .string(account)
    case "path": .string(path)
    case "created": .string(created)
    case "lastUsed": .string(lastUsed)
    case "isInInventory": .bool(isInInventory)
    case "tags": .list(tags)
    case "hasTags": .bool(hasTags)
    case "teamName": .string(teamName)
    case "teamHref": .string(teamHref)
    case "snapshot": .string(snapshot)
    case "summary": .string(summary)
    case "groups": .list(groups)
    case "accepted": .list(accepted)
    case "hasAccepted": .bool(hasAccepted)
    case "recommendationNote": .string(recommendationNote)
    case "hasRecommendationNote": .bool(hasRecommendationNote)
    case "policyChanges": .list(policyChanges)
    case "hasPolicyChanges": .bool(hasPolicyChanges)
    case "policiesNote": .string(policiesNote)
    default: nil
    }
  }
}

extension PrincipalRowModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "href": .string(href)
    case "kind": .string(kind)
    case "account": .string(account)
    case "summary": .string(summary)
    case "examples": .string(examples)
    case "openSince": .string(openSince)
    case "hasOpenSince": .bool(hasOpenSince)
    case "overdue": .string(overdue)
    case "isOverdue": .bool(isOverdue)
    default: nil
    }
  }
}

extension PagerModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "summary": .string(summary)
    case "links": .list(links)
    case "hasPages": .bool(hasPages)
    case "previousHref": .string(previousHref)
    case "hasPrevious": .bool(hasPrevious)
    case "nextHref": .string(nextHref)
    case "hasNext": .bool(hasNext)
    default: nil
    }
  }
}

extension PagerLink: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "label": .string(label)
    case "href": .string(href)
    case "isCurrent": .bool(isCurrent)
    case "isGap": .bool(isGap)
    default: nil
    }
  }
}

extension PrincipalListModel: TemplateContext {
  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "teamName": .string(teamName)
    case "pageLabel": .string(pageLabel)
    case "principals": .list(principals)
    case "pager": .object(pager)
    default: nil
    }
  }
}

import Markdown
import Testing

private let procedure = """
  ---
  title: Quarterly access review
  ---
  # Quarterly access review

  Follow SEC03-BP04: *reduce permissions continuously*.

  ## Roles

  - [ ] Review unused roles {#review-unused-roles}
  - [x] Remove `iam:PassRole` from [CI roles](https://example.com/ci)
    - [ ] Confirm with the team
  - Ask the champion

  ## Access keys

  1. [ ] Rotate keys older than 90 days

     Use the credential report.
  2. [X] Delete unused keys {#delete-keys}

  """

@Test func procedureRendersTaskListsExactly() {
  let document = MarkdownDocument(parsing: procedure)
  #expect(
    document.html()
      == """
      <h1 id="quarterly-access-review">Quarterly access review</h1>
      <p>Follow SEC03-BP04: <em>reduce permissions continuously</em>.</p>
      <h2 id="roles">Roles</h2>
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled> Review unused roles</label></li>
      <li class="task"><label><input type="checkbox" disabled checked> Remove <code>iam:PassRole</code> \
      from <a href="https://example.com/ci">CI roles</a></label>
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled> Confirm with the team</label></li>
      </ul>
      </li>
      <li>Ask the champion</li>
      </ul>
      <h2 id="access-keys">Access keys</h2>
      <ol class="tasks">
      <li class="task">
      <p><label><input type="checkbox" disabled> Rotate keys older than 90 days</label></p>
      <p>Use the credential report.</p>
      </li>
      <li class="task">
      <p><label><input type="checkbox" disabled checked> Delete unused keys</label></p>
      </li>
      </ol>

      """)
}

@Test func procedureTaskItemsCarryIdsTextsPathsAndOriginalLines() {
  let document = MarkdownDocument(parsing: procedure)
  #expect(document.bodyStartLine == 4)
  #expect(document.frontMatter == "title: Quarterly access review\n")
  let roles = ["Quarterly access review", "Roles"]
  let keys = ["Quarterly access review", "Access keys"]
  #expect(
    document.taskItems == [
      TaskItem(
        id: "review-unused-roles", text: "Review unused roles", html: "Review unused roles",
        isChecked: false, headingPath: roles, line: 10),
      TaskItem(
        id: "remove-iam-passrole-from-ci-roles", text: "Remove iam:PassRole from CI roles",
        html: "Remove <code>iam:PassRole</code> from <a href=\"https://example.com/ci\">CI roles</a>",
        isChecked: true, headingPath: roles, line: 11),
      TaskItem(
        id: "confirm-with-the-team", text: "Confirm with the team", html: "Confirm with the team",
        isChecked: false, headingPath: roles, line: 12),
      TaskItem(
        id: "rotate-keys-older-than-90-days", text: "Rotate keys older than 90 days",
        html: "Rotate keys older than 90 days", isChecked: false, headingPath: keys, line: 17),
      TaskItem(
        id: "delete-keys", text: "Delete unused keys", html: "Delete unused keys", isChecked: true,
        headingPath: keys, line: 20),
    ])
  #expect(
    document.headings == [
      MarkdownHeading(level: 1, text: "Quarterly access review", anchor: "quarterly-access-review", line: 4),
      MarkdownHeading(level: 2, text: "Roles", anchor: "roles", line: 8),
      MarkdownHeading(level: 2, text: "Access keys", anchor: "access-keys", line: 15),
    ])
}

@Test func headingPathFollowsHeadingLevels() {
  let document = MarkdownDocument(
    parsing: """
      - [ ] before any heading
      # Top
      - [ ] a
      ## Sub
      ### Deeper
      - [ ] b
      ## Sub two
      - [ ] c
      # Next top
      #### Skipped levels
      - [ ] d

      """)
  #expect(
    document.taskItems.map(\.headingPath) == [
      [], ["Top"], ["Top", "Sub", "Deeper"], ["Top", "Sub two"], ["Next top", "Skipped levels"],
    ])
  #expect(document.taskItems.map(\.line) == [1, 3, 6, 8, 11])
}

@Test func nestedTaskListsRenderInsideTheirItems() {
  let document = MarkdownDocument(
    parsing: "- [ ] parent\n  - [x] child\n    - grandchild\n  - [ ] sibling\n")
  #expect(
    document.html()
      == """
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled> parent</label>
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled checked> child</label>
      <ul>
      <li>grandchild</li>
      </ul>
      </li>
      <li class="task"><label><input type="checkbox" disabled> sibling</label></li>
      </ul>
      </li>
      </ul>

      """)
  #expect(document.taskItems.map(\.id) == ["parent", "child", "sibling"])
  #expect(document.taskItems.map(\.isChecked) == [false, true, false])
  #expect(document.taskItems.map(\.line) == [1, 2, 4])
}

@Test func taskItemsKeepFollowingBlocksAndOrderedStart() {
  let document = MarkdownDocument(
    parsing: "3. [ ] run\n   ```\n   aws iam list-roles\n   ```\n4. [x] next\n-\n- plain\n")
  #expect(
    document.html()
      == """
      <ol class="tasks" start="3">
      <li class="task"><label><input type="checkbox" disabled> run</label>
      <pre><code>aws iam list-roles
      </code></pre>
      </li>
      <li class="task"><label><input type="checkbox" disabled checked> next</label></li>
      </ol>
      <ul>
      <li></li>
      <li>plain</li>
      </ul>

      """)
}

@Test func plainItemsInATaskListStayPlain() {
  let document = MarkdownDocument(parsing: "- [ ] a\n-\n- b\n  ```\n  c\n  ```\n")
  #expect(
    document.html()
      == """
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled> a</label></li>
      <li></li>
      <li>b
      <pre><code>c
      </code></pre>
      </li>
      </ul>

      """)
}

@Test func itemsThatAreNotTasksAreLeftAlone() {
  let source = """
    - [ ]
    - [y] no
    - [ ]no space
    - text [ ] later
    - > [ ] quoted
    - [x]: /a-link-definition-is-not-a-task

    [ ] not in a list

    """
  let document = MarkdownDocument(parsing: source)
  #expect(document.taskItems.isEmpty)
  #expect(
    document.html()
      == """
      <ul>
      <li>[ ]</li>
      <li>[y] no</li>
      <li>[ ]no space</li>
      <li>text [ ] later</li>
      <li>
      <blockquote>
      <p>[ ] quoted</p>
      </blockquote>
      </li>
      <li></li>
      </ul>
      <p>[ ] not in a list</p>

      """)
}

@Test func linkReferenceMakesTheMarkerALinkAndNotATask() {
  let document = MarkdownDocument(parsing: "- [x] done\n\n[x]: https://example.com\n")
  #expect(document.taskItems.isEmpty)
  #expect(document.html() == "<ul>\n<li><a href=\"https://example.com\">x</a> done</li>\n</ul>\n")
}

@Test func explicitIdsWinAndAreStrippedFromTextAndHTML() {
  let document = MarkdownDocument(
    parsing: """
      - [ ] Rotate keys {#rotate-keys}
      - [ ] Bad id {#Bad_ID}
      - [ ] Hostile id {#"><x}
      - [ ] On the next line
        {#next-line}
      - [ ] *Emphasised* {#emphasised}
      - [ ] {#only-id}
      - [ ] Not an id{#glued}
      - [ ] Not an id {#with space}
      - [ ] Not an id {#}

      """)
  #expect(
    document.taskItems.map(\.id) == [
      "rotate-keys", "bad-id", "x", "next-line", "emphasised", "only-id", "not-an-id-glued",
      "not-an-id-with-space", "not-an-id",
    ])
  #expect(
    document.taskItems.map(\.text) == [
      "Rotate keys", "Bad id", "Hostile id", "On the next line", "Emphasised", "", "Not an id{#glued}",
      "Not an id {#with space}", "Not an id {#}",
    ])
  #expect(document.taskItems[4].html == "<em>Emphasised</em>")
  #expect(
    document.html()
      == """
      <ul class="tasks">
      <li class="task"><label><input type="checkbox" disabled> Rotate keys</label></li>
      <li class="task"><label><input type="checkbox" disabled> Bad id</label></li>
      <li class="task"><label><input type="checkbox" disabled> Hostile id</label></li>
      <li class="task"><label><input type="checkbox" disabled> On the next line</label></li>
      <li class="task"><label><input type="checkbox" disabled> <em>Emphasised</em></label></li>
      <li class="task"><label><input type="checkbox" disabled> </label></li>
      <li class="task"><label><input type="checkbox" disabled> Not an id{#glued}</label></li>
      <li class="task"><label><input type="checkbox" disabled> Not an id {#with space}</label></li>
      <li class="task"><label><input type="checkbox" disabled> Not an id {#}</label></li>
      </ul>

      """)
}

@Test func duplicateIdsAreNumberedInDocumentOrder() {
  let document = MarkdownDocument(
    parsing: "- [ ] Check\n- [x] Check\n- [ ] Check {#check-2}\n- [ ] Other {#check}\n- [ ]  \n")
  #expect(document.taskItems.map(\.id) == ["check", "check-2", "check-2-2", "check-3"])
  #expect(MarkdownDocument(parsing: "- [ ] ☐\n- [ ] …\n").taskItems.map(\.id) == ["item", "item-2"])
}

@Test func idsSurviveInsertingAnItemAbove() {
  let before = MarkdownDocument(parsing: "- [ ] Alpha\n- [ ] Beta {#b}\n- [x] Gamma\n")
  let after = MarkdownDocument(parsing: "- [ ] New first step\n- [ ] Alpha\n- [ ] Beta {#b}\n- [x] Gamma\n")
  #expect(before.taskItems.map(\.id) == ["alpha", "b", "gamma"])
  #expect(after.taskItems.map(\.id) == ["new-first-step", "alpha", "b", "gamma"])
  #expect(after.taskItems.map(\.line) == [1, 2, 3, 4])
}

@Test func idsSurviveReordering() {
  let original = MarkdownDocument(parsing: "# R\n- [ ] Alpha\n- [ ] Beta {#b}\n\n# S\n- [ ] Gamma\n")
  let reordered = MarkdownDocument(parsing: "# S\n- [ ] Gamma\n\n# R\n- [ ] Beta {#b}\n- [ ] Alpha\n")
  let originalIDs = Dictionary(uniqueKeysWithValues: original.taskItems.map { ($0.text, $0.id) })
  let reorderedIDs = Dictionary(uniqueKeysWithValues: reordered.taskItems.map { ($0.text, $0.id) })
  #expect(originalIDs == ["Alpha": "alpha", "Beta": "b", "Gamma": "gamma"])
  #expect(reorderedIDs == originalIDs)
}

@Test func taskTextFlattensInlinesAndCollapsesSpaces() {
  let document = MarkdownDocument(
    parsing: "- [ ]   Remove  **`s3:*`**\n  from <b>the</b> ![CI](ci.png) role\\\n  now\n")
  let item = document.taskItems.first
  #expect(item?.text == "Remove s3:* from the CI role now")
  #expect(item?.id == "remove-s3-from-the-ci-role-now")
  #expect(
    item?.html
      == "Remove  <strong><code>s3:*</code></strong>\nfrom <!-- raw HTML omitted -->the<!-- raw HTML omitted --> "
      + "<img src=\"ci.png\" alt=\"CI\" /> role<br />\nnow")
}

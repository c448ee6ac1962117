import TemplateEngine
import Testing

struct LibraryTests {
  @Test func aMissingPartialIsReportedWhenTheLibraryIsBuilt() {
    #expect(throws: TemplateError.missingPartial(template: "dashboard", partial: "partials/cardz")) {
      try TemplateLibrary(templates: [
        "dashboard": "<h1>x</h1>\n{{> partials/cardz}}\n",
        "partials/cards": "<ul></ul>",
      ])
    }
    let error = TemplateError.missingPartial(template: "dashboard", partial: "partials/cardz")
    #expect(
      error.description
        == "dashboard: includes the partial \"partials/cardz\", which is not a template of the library")
  }

  @Test func missingPartialsCanRenderAsNothing() throws {
    let library = try TemplateLibrary(templates: ["page": "[{{> nowhere}}]"], missingPartials: .renderNothing)
    #expect(try library.render("page", with: TemplateDictionary()) == "[]")
  }

  @Test func renderingAnUnknownTemplateThrows() throws {
    let library = try TemplateLibrary(templates: ["page": "x"])
    #expect(throws: TemplateError.unknownTemplate("pgae")) {
      try library.render("pgae", with: TemplateDictionary())
    }
  }

  @Test func namesAreListed() throws {
    let library = try TemplateLibrary(templates: ["b": "", "a": "", "partials/c": ""])
    #expect(library.templateNames == ["a", "b", "partials/c"])
    #expect(library.contains("partials/c"))
    #expect(!library.contains("c"))
  }

  @Test func partialsRecurseOverRecursiveData() throws {
    let library = try TemplateLibrary(templates: [
      "tree": "<ul>{{> node}}</ul>",
      "node": "{{#nodes}}<li>{{name}}{{#hasChildren}}<ul>{{> node}}</ul>{{/hasChildren}}</li>{{/nodes}}",
    ])
    func node(_ name: String, _ children: [TemplateValue] = []) -> TemplateValue {
      ["name": .string(name), "nodes": .list(children), "hasChildren": .bool(!children.isEmpty)]
    }
    let tree: TemplateDictionary = ["nodes": [node("a", [node("b", [node("c")]), node("d")])]]
    #expect(
      try library.render("tree", with: tree)
        == "<ul><li>a<ul><li>b<ul><li>c</li></ul></li><li>d</li></ul></li></ul>")
  }

  @Test func aPartialThatAlwaysIncludesItselfThrowsInsteadOfCrashing() throws {
    let library = try TemplateLibrary(templates: ["loop": "x{{> loop}}"])
    #expect(throws: TemplateError.partialsNestedTooDeeply(partial: "loop", limit: 100)) {
      try library.render("loop", with: TemplateDictionary())
    }
    let shallow = try TemplateLibrary(templates: ["loop": "x{{> loop}}"], maximumPartialDepth: 3)
    #expect(throws: TemplateError.partialsNestedTooDeeply(partial: "loop", limit: 3)) {
      try shallow.render("loop", with: TemplateDictionary())
    }
  }

  /// A standalone partial's every line is indented, those rendered by sections included (the
  /// spec's rule; swift-mustache indents only the first line of each section's output).
  @Test func standalonePartialsIndentEveryLine() throws {
    let library = try TemplateLibrary(templates: [
      "page": "<main>\n  {{> list}}\n</main>\n",
      "list": "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n\n</ul>\n",
    ])
    #expect(
      try library.render("page", with: TemplateDictionary(["items": .list(["a", "b"])]))
        == "<main>\n  <ul>\n    <li>a</li>\n    <li>b</li>\n\n  </ul>\n</main>\n")
  }

  /// A section over `true` renders once, prints `true` for `{{.}}`, and looks names up in the
  /// contexts around it; sections inside it push and pop as anywhere else.
  @Test func aSectionOverTrueSeesItsSurroundings() throws {
    let library = try TemplateLibrary(templates: [
      "page": "{{#on}}[{{.}} {{name}}{{#rows}}({{.}}{{#on}}{{.}}{{/on}}){{/rows}}{{#off}}x{{/off}}]{{/on}}"
        + "{{name}}"
    ])
    let context = TemplateDictionary([
      "on": true, "off": false, "name": "n", "rows": .list(["a", "b"]),
    ])
    #expect(try library.render("page", with: context) == "[true n(atrue)(btrue)]n")
  }

  /// Contexts nested far deeper than sections usually go (the renderer's stack grows), each level
  /// still seeing its own name and the root's.
  @Test func deeplyNestedContextsResolveAtEveryLevel() throws {
    let library = try TemplateLibrary(
      templates: ["node": "{{depth}}{{top}}{{#child}},{{> node}}{{/child}}"], maximumPartialDepth: 100)
    var node = TemplateDictionary(["depth": 40, "child": false])
    for depth in stride(from: 39, through: 1, by: -1) {
      node = TemplateDictionary(["depth": .int(depth), "child": .object(node)])
    }
    node = TemplateDictionary(["depth": 0, "top": "!", "child": .object(node)])
    #expect(try library.render("node", with: node) == (0...40).map { "\($0)!" }.joined(separator: ","))
  }

  @Test func rendersIntoBytesByAppending() throws {
    let library = try TemplateLibrary(templates: ["page": "é{{n}}"])
    var bytes: [UInt8] = Array("<".utf8)
    try library.render("page", with: TemplateDictionary(["n": 1]), into: &bytes)
    #expect(bytes == Array("<é1".utf8))

    var output = TemplateOutput(capacity: 1)
    for _ in 0..<1000 {
      try library.render("page", with: TemplateDictionary(["n": 12]), into: &output)
    }
    #expect(output.count == 4 * 1000)
    #expect(output.string == String(repeating: "é12", count: 1000))
    output.removeAll()
    #expect(output.count == 0)
  }
}

@Suite struct MissingNameTests {
  @Test func aLibraryBuiltToCheckNamesThrowsNamingEveryMissingOne() throws {
    let library = try TemplateLibrary(
      templates: [
        "page": "{{title}} {{#rows}}{{nmae}}{{/rows}} {{author.email}} {{^hidden}}{{.}}{{/hidden}}"
      ],
      missingNames: .fail)
    let context: TemplateDictionary = [
      "title": "T", "rows": [["name": "a"]], "author": ["name": "x"], "hidden": false,
    ]
    #expect(throws: TemplateError.missingNames(template: "page", names: ["author.email", "nmae"])) {
      try library.render("page", with: context)
    }
    let lenient = try TemplateLibrary(templates: ["page": "[{{nmae}}]"])
    #expect(try lenient.render("page", with: context) == "[]")
  }
}

@Suite struct TemplateOutputTests {
  @Test func appendsOfEveryLengthKeepTheirBytesAndOrder() {
    // Short appends are copied as overlapping words, long ones by memcpy: each length must come
    // out whole, after what came before and before what comes next.
    var output = TemplateOutput(capacity: 1)
    var expected: [UInt8] = []
    for length in 0...40 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: length &* 7 &+ $0 &* 13 &+ 1) }
      bytes.withUnsafeBufferPointer { output.append($0) }
      output.append(UInt8(ascii: "|"))
      expected += bytes + [UInt8(ascii: "|")]
    }
    #expect(output.bytes == expected)
  }
}

import TemplateEngine
import Testing

struct SyntaxErrorTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var source: String
    var line: Int
    var column: Int
    var message: String

    var testDescription: String { message }
  }

  static let cases: [Case] = [
    Case(
      source: "<ul>\n  {{#rows}}\n  <li>{{name}}</li>\n</ul>\n", line: 2, column: 3,
      message: "a section is opened ({{#rows}}) and never closed"),
    Case(
      source: "{{#rows}}\n{{#cells}}x{{/rows}}\n", line: 2, column: 12,
      message: "section closed with a different name: opened cells (line 2), closed rows"),
    Case(
      source: "<p>{{/rows}}</p>", line: 1, column: 4, message: "{{/rows}} closes a section that is not open"),
    Case(source: "<p>\n  {{name</p>\n{{other}}", line: 2, column: 3, message: "unfinished tag: missing }}"),
    Case(source: "x {{name", line: 1, column: 3, message: "unfinished tag: missing }}"),
    Case(source: "{{{html}}", line: 1, column: 1, message: "unfinished tag: missing }}}"),
    Case(
      source: "{{=<% %>}}", line: 1, column: 1,
      message: "malformed set-delimiter tag: missing =}}; write two delimiters separated by a space "
        + "between {{= and =}}, as in {{=<% %>=}}"),
    Case(
      source: "a\n{{=<%%>=}}", line: 2, column: 1,
      message: "malformed set-delimiter tag: write two delimiters separated by a space between {{= and =}}, "
        + "as in {{=<% %>=}}"),
    Case(source: "{{! a comment", line: 1, column: 1, message: "unfinished comment: missing }}"),
    Case(source: "{{}}", line: 1, column: 1, message: "empty tag {{}}: write a name inside it"),
    Case(source: "{{# }}", line: 1, column: 1, message: "empty tag {{# }}: write a name inside it"),
    Case(
      source: "{{first name}}", line: 1, column: 1, message: "{{first name}}: a name cannot contain spaces"),
    Case(
      source: "{{team..name}}", line: 1, column: 1,
      message: "{{team..name}}: malformed dotted name; write names joined by single dots, as in a.b.c"),
    Case(
      source: "{{<layout}}", line: 1, column: 1,
      message: "template inheritance ({{<name}}, {{$name}}) is not supported: use partials"),
    Case(
      source: "{{=<% %>=}}\n<%#a%>", line: 2, column: 1,
      message: "a section is opened (<%#a%>) and never closed"),
    Case(source: "é€ 😀 {{#x}}", line: 1, column: 6, message: "a section is opened ({{#x}}) and never closed"),
  ]

  @Test(arguments: cases)
  func reportsWhereAndWhat(_ testCase: Case) {
    #expect(
      throws: TemplateSyntaxError(
        templateName: "page", line: testCase.line, column: testCase.column, message: testCase.message)
    ) {
      try TemplateLibrary(templates: ["page": testCase.source])
    }
  }

  @Test func describesItselfAsFileLineColumn() {
    let error = TemplateSyntaxError(templateName: "partials/cards", line: 3, column: 5, message: "oops")
    #expect(error.description == "partials/cards:3:5: oops")
  }

  @Test func aSyntaxErrorComesBeforeAMissingPartial() {
    #expect(throws: TemplateSyntaxError.self) {
      try TemplateLibrary(templates: ["a": "{{> nowhere}}", "b": "{{#x}}"])
    }
  }
}

import Foundation
import TemplateEngine
import Testing

/// The official Mustache specification's core modules (see Spec/README.md), every case.
struct SpecTests {
  @Test(arguments: SpecCase.load(module: "interpolation"))
  func interpolation(_ specCase: SpecCase) throws {
    try specCase.check()
  }

  @Test(arguments: SpecCase.load(module: "sections"))
  func sections(_ specCase: SpecCase) throws {
    try specCase.check()
  }

  @Test(arguments: SpecCase.load(module: "inverted"))
  func inverted(_ specCase: SpecCase) throws {
    try specCase.check()
  }

  @Test(arguments: SpecCase.load(module: "partials"))
  func partials(_ specCase: SpecCase) throws {
    try specCase.check()
  }

  @Test(arguments: SpecCase.load(module: "comments"))
  func comments(_ specCase: SpecCase) throws {
    try specCase.check()
  }

  @Test(arguments: SpecCase.load(module: "delimiters"))
  func delimiters(_ specCase: SpecCase) throws {
    try specCase.check()
  }
}

/// One test of a spec file.
struct SpecCase: Sendable, Decodable, CustomTestStringConvertible {
  var name: String
  var data: JSONValue
  var template: String
  var partials: [String: String]?
  var expected: String
  /// Why the spec file could not be read, for a case that stands in for the whole file.
  var loadFailure: String?

  var testDescription: String { name }

  /// The cases of `Spec/<module>.json`; a single failing case when the file cannot be read, so
  /// that a missing file fails the run instead of running no test.
  static func load(module: String) -> [SpecCase] {
    struct SpecFile: Decodable {
      var tests: [SpecCase]
    }
    do {
      guard let url = Bundle.module.url(forResource: module, withExtension: "json", subdirectory: "Spec")
      else {
        return [failure(module, "Spec/\(module).json is not among the test resources")]
      }
      return try JSONDecoder().decode(SpecFile.self, from: Data(contentsOf: url)).tests
    } catch {
      return [failure(module, "Spec/\(module).json cannot be read: \(error)")]
    }
  }

  private static func failure(_ module: String, _ reason: String) -> SpecCase {
    SpecCase(name: module, data: .null, template: "", expected: "", loadFailure: reason)
  }

  func check() throws {
    if let loadFailure {
      Issue.record(Comment(rawValue: loadFailure))
      return
    }
    // The library's own name for the template under test; spec partials never use it.
    let templateName = "(spec template)"
    var sources = partials ?? [:]
    sources[templateName] = template
    let library = try TemplateLibrary(templates: sources, missingPartials: .renderNothing)
    let output = try library.render(templateName, with: data.templateValue)
    #expect(output == expected)
  }
}

/// JSON as read from a spec file, turned into template values by the test.
enum JSONValue: Sendable, Decodable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let number = try? container.decode(Int.self) {
      self = .int(number)
    } else if let number = try? container.decode(Double.self) {
      self = .double(number)
    } else if let text = try? container.decode(String.self) {
      self = .string(text)
    } else if let elements = try? container.decode([JSONValue].self) {
      self = .array(elements)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  var templateValue: TemplateValue {
    switch self {
    case .null: .null
    case .bool(let flag): .bool(flag)
    case .int(let number): .int(number)
    case .double(let number): .double(number)
    case .string(let text): .string(text)
    case .array(let elements): .list(elements.map(\.templateValue))
    case .object(let members): .object(TemplateDictionary(members.mapValues(\.templateValue)))
    }
  }
}

/// A template that does not parse: where, and what to change.
public struct TemplateSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The name of the template, as given to ``TemplateLibrary``.
  public let templateName: String
  /// The line of the offending tag, from 1.
  public let line: Int
  /// The column of the offending tag's first character, from 1, counted in Unicode scalars.
  public let column: Int
  /// What is wrong, in terms a template author can act on.
  public let message: String

  /// A template syntax error at a line and column.
  public init(templateName: String, line: Int, column: Int, message: String) {
    self.templateName = templateName
    self.line = line
    self.column = column
    self.message = message
  }

  /// `name:line:column: message`, the form editors and compilers use.
  public var description: String {
    "\(templateName):\(line):\(column): \(message)"
  }
}

/// A library that cannot be built, or a render that cannot be done.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A template includes (`{{> partial}}`) a template that is not in the library.
  case missingPartial(template: String, partial: String)
  /// A render asked for a template that is not in the library.
  case unknownTemplate(String)
  /// Partials included one another more deeply than the library allows, as a partial that
  /// always includes itself does.
  case partialsNestedTooDeeply(partial: String, limit: Int)
  /// A render met names that no context had (reported only by a library built with
  /// ``TemplateLibrary/MissingNames/fail``).
  case missingNames(template: String, names: [String])

  /// What went wrong and what to do about it.
  public var description: String {
    switch self {
    case .missingPartial(let template, let partial):
      "\(template): includes the partial \"\(partial)\", which is not a template of the library"
    case .unknownTemplate(let name):
      "there is no template named \"\(name)\""
    case .partialsNestedTooDeeply(let partial, let limit):
      "partials are nested more than \(limit) deep at \"\(partial)\": "
        + "does a partial include itself whatever the data?"
    case .missingNames(let template, let names):
      "\(template): no value is given for " + names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
  }
}

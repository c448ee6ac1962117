/// Named templates, compiled once, that include one another as partials and render to UTF-8
/// bytes.
///
/// Every template is also a partial: `{{> partials/cards}}` renders the template named
/// `partials/cards`. The library is immutable and keeps no state between renders, so one
/// library can render on any number of threads at once.
///
/// ```swift
/// let library = try TemplateLibrary(templates: ["page": "<h1>{{title}}</h1>"])
/// var html: [UInt8] = []
/// try library.render("page", with: page, into: &html)
/// ```
public struct TemplateLibrary: Sendable {
  /// What building a library does about a `{{> name}}` whose template is not in the library.
  public enum MissingPartials: Sendable {
    /// Throw ``TemplateError/missingPartial(template:partial:)``, naming both templates: a typo
    /// in a partial's name is found when the library is built rather than by a reader.
    case fail
    /// Render it as nothing, as the Mustache specification asks.
    case renderNothing
  }

  /// What rendering does about a name that no context on the stack has.
  public enum MissingNames: Sendable {
    /// Render it as nothing (a falsey value for sections), as the Mustache specification asks.
    case renderNothing
    /// Render it as nothing, then throw ``TemplateError/missingNames(template:names:)`` naming
    /// every such name: for tests that check each template against the values it is given.
    case fail
  }

  /// How deeply partials may include one another before a render throws, unless told otherwise.
  public static let defaultMaximumPartialDepth = 100

  private let templates: [CompiledTemplate]
  /// How many distinct first parts the names of all templates have.
  let firstNameCount: Int
  /// Tells this library's ``TemplateLookupCache``s from another's.
  let token = LibraryToken()
  private let indexByName: [String: Int]
  private let escaper: EscaperBox
  private let missingNames: MissingNames
  /// How deeply partials may include one another before a render throws
  /// ``TemplateError/partialsNestedTooDeeply(partial:limit:)``.
  public let maximumPartialDepth: Int

  /// Compiles every template.
  ///
  /// - Parameters:
  ///   - sources: Template sources by name, such as `dashboard` or `partials/cards`.
  ///   - escaper: How `{{name}}` escapes and `{{{name}}}` passes strings; HTML by default.
  ///   - missingPartials: Whether including a template that is not in `sources` is an error.
  ///   - missingNames: Whether a render throws after meeting names its contexts do not have.
  ///   - maximumPartialDepth: How deeply partials may include one another (at least 1), so
  ///     that a partial that includes itself whatever the data throws instead of exhausting
  ///     the stack.
  /// - Throws: ``TemplateSyntaxError`` for a template that does not parse, then
  ///   ``TemplateError/missingPartial(template:partial:)`` for an include of a template that
  ///   does not exist (unless `missingPartials` is `.renderNothing`).
  public init(
    templates sources: [String: String],
    escaper: any TemplateEscaper = HTMLEscaper(),
    missingPartials: MissingPartials = .fail,
    missingNames: MissingNames = .renderNothing,
    maximumPartialDepth: Int = TemplateLibrary.defaultMaximumPartialDepth
  ) throws {
    // Sorted, so that which error is reported first does not depend on hashing.
    let names = sources.keys.sorted()
    let indexByName = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    var templates: [CompiledTemplate] = []
    var firstMissing: TemplateError?
    var firstIndices: [String: Int] = [:]
    for name in names {
      var compiler = TemplateCompiler(name: name, source: sources[name]!, firstIndices: firstIndices) {
        indexByName[$0]
      }
      templates.append(try compiler.compile())
      firstIndices = compiler.firstIndices
      if firstMissing == nil, let partial = compiler.missingPartials.first {
        firstMissing = .missingPartial(template: name, partial: partial)
      }
    }
    if missingPartials == .fail, let firstMissing {
      throw firstMissing
    }
    self.templates = templates
    self.firstNameCount = firstIndices.count
    self.indexByName = indexByName
    self.escaper = EscaperBox(escaper)
    self.missingNames = missingNames
    self.maximumPartialDepth = max(1, maximumPartialDepth)
  }

  /// The names of the templates, sorted.
  public var templateNames: [String] {
    templates.map(\.name)
  }

  /// Whether the library has a template of this name.
  public func contains(_ name: String) -> Bool {
    indexByName[name] != nil
  }

  /// Renders the template `name` with `value` as the only context, appending UTF-8 to `output`.
  ///
  /// - Throws: ``TemplateError/unknownTemplate(_:)`` for a name the library does not have;
  ///   ``TemplateError/partialsNestedTooDeeply(partial:limit:)``, leaving `output` partly
  ///   written; ``TemplateError/missingNames(template:names:)`` when the library was built to.
  public func render(_ name: String, with value: TemplateValue, into output: inout TemplateOutput) throws {
    try render(name, with: value, into: &output, cache: nil)
  }

  /// Renders the template `name` with `value` as the only context, appending UTF-8 to `output`,
  /// looking names up through `cache` (made for this library) and leaving in it what was learnt,
  /// for the next render on the same thread.
  ///
  /// - Throws: as ``render(_:with:into:)-(_,TemplateValue,_)``.
  public func render(
    _ name: String, with value: TemplateValue, into output: inout TemplateOutput, cache: TemplateLookupCache?
  ) throws {
    guard let index = indexByName[name] else { throw TemplateError.unknownTemplate(name) }
    let unresolved = missingNames == .fail ? UnresolvedNames() : nil
    // A cache made for another library numbers names differently: it is not used.
    let cache = cache?.library === token ? cache : nil
    let slots = cache?.entries ?? SlotEntries(nameCount: firstNameCount)
    defer { if cache == nil { slots.deallocate() } }
    var renderer = TemplateRenderer(
      templates: templates, escaper: escaper, maximumPartialDepth: maximumPartialDepth, root: value,
      slots: slots, unresolved: unresolved)
    try withExtendedLifetime(cache) { try renderer.render(templates[index], into: &output) }
    if let unresolved, !unresolved.names.isEmpty {
      throw TemplateError.missingNames(template: name, names: unresolved.names.sorted())
    }
  }

  /// Renders the template `name` with `context`, appending UTF-8 to `output`, looking names up
  /// through `cache` when one is given (see ``TemplateLookupCache``).
  @inlinable
  public func render(
    _ name: String, with context: consuming some TemplateContext, into output: inout TemplateOutput,
    cache: TemplateLookupCache? = nil
  )
    throws
  {
    try render(name, with: .object(context), into: &output, cache: cache)
  }

  /// Renders the template `name` with `value` as the only context, appending UTF-8 to `output`
  /// (through a ``TemplateOutput``, copied once at the end; render into one directly to avoid
  /// the copy).
  public func render(_ name: String, with value: TemplateValue, into output: inout [UInt8]) throws {
    var buffer = TemplateOutput()
    try render(name, with: value, into: &buffer)
    buffer.withUnsafeBytes { output.append(contentsOf: $0) }
  }

  /// Renders the template `name` with `context`, appending UTF-8 to `output`.
  @inlinable
  public func render(_ name: String, with context: some TemplateContext, into output: inout [UInt8]) throws {
    try render(name, with: .object(context), into: &output)
  }

  /// The template `name` rendered with `value` as the only context.
  public func render(_ name: String, with value: TemplateValue) throws -> String {
    var output = TemplateOutput()
    try render(name, with: value, into: &output)
    return output.string
  }

  /// The template `name` rendered with `context`.
  @inlinable
  public func render(_ name: String, with context: some TemplateContext) throws -> String {
    try render(name, with: .object(context))
  }
}

/// An object whose identity stands for one library.
final class LibraryToken: Sendable {}

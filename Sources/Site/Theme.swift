import Foundation
import Mustache

/// Why the site cannot be rendered.
public enum SiteError: Error, Sendable, CustomStringConvertible {
  /// A template does not parse.
  case invalidTemplate(file: String, reason: String)
  /// A template includes a partial that exists nowhere.
  case missingPartial(file: String, partial: String)
  /// A template file cannot be read.
  case unreadable(file: String, reason: String)
  /// Writing the output failed.
  case writeFailed(path: String, reason: String)
  /// A page model could not be handed to the template engine.
  case renderFailed(page: String, reason: String)

  /// A message naming the file and what to do.
  public var description: String {
    switch self {
    case .invalidTemplate(let file, let reason):
      "\(file): the template does not parse: \(reason). Fix it, or delete it to use the built-in default"
    case .missingPartial(let file, let partial):
      "\(file): includes the partial \"\(partial)\", which is neither in templates/partials/ nor built in. "
        + "Add templates/partials/\(partial).mustache or remove the include"
    case .unreadable(let file, let reason):
      "\(file): cannot be read: \(reason)"
    case .writeFailed(let path, let reason):
      "\(path): cannot be written: \(reason). The previous site is left as it was"
    case .renderFailed(let page, let reason):
      "\(page): cannot be rendered: \(reason)"
    }
  }
}

/// The templates, partials and assets a site is rendered with: the site folder's `templates/`
/// where it has a file, the built-in default theme otherwise.
public struct Theme: Sendable {
  /// Template and partial sources by name (`dashboard`, `partials/cards`), for rendering.
  let templates: [String: String]
  /// Asset files by path below `assets/`.
  let assets: [String: [UInt8]]
  /// Where each template came from, for messages.
  let origins: [String: String]
  let library: MustacheLibrary

  /// The built-in default theme alone.
  public static func builtIn() throws -> Theme {
    try Theme(overrides: [:], assetOverrides: [:], overrideOrigins: [:])
  }

  /// The theme of a site folder: files in `templates/` (when it exists) over the built-in defaults.
  public static func load(from folder: URL?) throws -> Theme {
    guard let folder, FileManager.default.fileExists(atPath: folder.path) else { return try builtIn() }
    var overrides: [String: String] = [:]
    var origins: [String: String] = [:]
    var assets: [String: [UInt8]] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let relative = enumerator?.nextObject() as? String {
      let url = folder.appendingPathComponent(relative)
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue,
        !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") })
      else { continue }
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw SiteError.unreadable(file: "templates/" + relative, reason: "permission denied")
      }
      if relative.hasPrefix("assets/") {
        assets[String(relative.dropFirst("assets/".count))] = Array(data)
      } else if relative.hasSuffix(".mustache") {
        guard let text = String(data: data, encoding: .utf8) else {
          throw SiteError.unreadable(file: "templates/" + relative, reason: "not UTF-8 text")
        }
        let name = String(relative.dropLast(".mustache".count))
        overrides[name] = text
        origins[name] = "templates/" + relative
      }
    }
    return try Theme(overrides: overrides, assetOverrides: assets, overrideOrigins: origins)
  }

  private init(
    overrides: [String: String], assetOverrides: [String: [UInt8]], overrideOrigins: [String: String]
  ) throws {
    var templates: [String: String] = [:]
    var origins: [String: String] = [:]
    var assets: [String: [UInt8]] = [:]
    for (path, text) in DefaultTheme.files {
      if path.hasPrefix("assets/") {
        assets[String(path.dropFirst("assets/".count))] = Array(text.utf8)
      } else if path.hasSuffix(".mustache") {
        let name = String(path.dropLast(".mustache".count))
        templates[name] = text
        origins[name] = "built-in " + path
      }
    }
    templates.merge(overrides) { $1 }
    origins.merge(overrideOrigins) { $1 }
    assets.merge(assetOverrides) { $1 }
    self.templates = templates
    self.assets = assets
    self.origins = origins

    var library = MustacheLibrary()
    for name in templates.keys.sorted() {
      do {
        library.register(try MustacheTemplate(string: templates[name]!), named: name)
      } catch {
        throw SiteError.invalidTemplate(file: origins[name] ?? name, reason: Self.explain(error))
      }
    }
    // swift-mustache renders a missing partial as nothing; check every include up front instead.
    for name in templates.keys.sorted() {
      for partial in Self.partialNames(in: templates[name]!) where templates[partial] == nil {
        throw SiteError.missingPartial(file: origins[name] ?? name, partial: partial)
      }
    }
    self.library = library
  }

  /// The parser's error in words, with the line and column where it stopped.
  static func explain(_ error: any Error) -> String {
    guard let parserError = error as? MustacheTemplate.ParserError else { return "\(error)" }
    let what: String =
      switch parserError.error as? MustacheTemplate.Error {
      case .sectionCloseNameIncorrect: "a section is closed with a different name than it was opened with"
      case .unfinishedName: "a tag is not finished (a missing }}?)"
      case .expectedSectionEnd: "a section is opened ({{#name}} or {{^name}}) and never closed ({{/name}})"
      case .invalidSetDelimiter: "a set-delimiter tag is malformed"
      case .some(let other): "\(other)"
      case .none: "\(parserError.error)"
      }
    return "line \(parserError.context.lineNumber), column \(parserError.context.columnNumber): \(what)"
  }

  /// The names of partials a template includes (`{{> name}}`), assuming default delimiters.
  static func partialNames(in template: String) -> [String] {
    var names: [String] = []
    var rest = template[...]
    while let open = rest.range(of: "{{>") {
      rest = rest[open.upperBound...]
      guard let close = rest.range(of: "}}") else { break }
      let name = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      if !name.isEmpty { names.append(name) }
      rest = rest[close.upperBound...]
    }
    return names
  }

  /// The source of every template and asset, as `permsite init` writes them.
  public static var defaultFiles: [(path: String, contents: String)] {
    DefaultTheme.files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

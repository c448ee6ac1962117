import Foundation
import TemplateEngine

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
  /// A file in the tree being written that the new site does not have (or a link or digest list
  /// that must go before the first write) could not be removed.
  case cannotRemove(path: String, reason: String)

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
    case .cannotRemove(let path, let reason):
      "\(path): cannot be removed: \(reason). Remove it by hand: the user running permsite may not "
        + "change its folder, or the file is immutable (see lsattr). The previous site is left as it was"
    }
  }
}

/// The templates, partials and assets a site is rendered with: the site folder's `templates/`
/// where it has a file, the built-in default theme otherwise.
public struct Theme: Sendable {
  /// Asset files by path below `assets/`.
  let assets: [String: [UInt8]]
  /// The compiled templates, rendering through `Theme.escaper` (`VisibleBidiEscaper`).
  let library: TemplateLibrary

  /// How the pages' values are escaped: by the library's `{{ }}`, and by the markup the site
  /// makes itself for a page (a policy diff's `diffHTML`), so that both escape alike.
  static let escaper = VisibleBidiEscaper()

  /// The built-in default theme alone.
  public static func builtIn() throws -> Theme {
    try Theme(overrides: [:], assetOverrides: [:], overrideOrigins: [:])
  }

  /// The built-in theme, rendering with a check that every name a template uses has a value:
  /// for tests, since a misspelt name would otherwise render as nothing.
  static func builtInCheckingNames() throws -> Theme {
    try Theme(overrides: [:], assetOverrides: [:], overrideOrigins: [:], missingNames: .fail)
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
    overrides: [String: String], assetOverrides: [String: [UInt8]], overrideOrigins: [String: String],
    missingNames: TemplateLibrary.MissingNames = .renderNothing
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
    self.assets = assets

    do {
      library = try TemplateLibrary(
        templates: templates, escaper: Theme.escaper, missingNames: missingNames)
    } catch let error as TemplateSyntaxError {
      throw SiteError.invalidTemplate(
        file: origins[error.templateName] ?? error.templateName,
        reason: "line \(error.line), column \(error.column): \(error.message)")
    } catch TemplateError.missingPartial(let template, let partial) {
      throw SiteError.missingPartial(file: origins[template] ?? template, partial: partial)
    }
  }

  /// The source of every template and asset, as `permsite init` writes them.
  public static var defaultFiles: [(path: String, contents: String)] {
    DefaultTheme.files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

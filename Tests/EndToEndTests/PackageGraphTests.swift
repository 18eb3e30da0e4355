import Foundation
import Testing

/// The arrows between modules, read from `Package.swift` itself: the language
/// stays off the simulator and its server, the README's picture says what
/// `Package.swift` says, and no module imports one it does not declare.
@Suite struct PackageGraphTests {
    /// Each target of `Package.swift` (test targets aside) and what it depends on.
    static func declaredGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: Binary.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        return try PackageManifestText(text).targets()
    }

    /// The README's "Who depends on whom" block, as target → dependencies.
    static func pictureInReadme() throws -> [String: Set<String>] {
        let text = try String(contentsOf: Binary.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let intro = lines.firstIndex(where: { $0.contains("Who depends on whom") }),
            let open = lines[intro...].firstIndex(where: { $0.hasPrefix("```") }),
            let close = lines[(open + 1)...].firstIndex(where: { $0.hasPrefix("```") })
        else {
            Issue.record("README.md has no \"Who depends on whom\" block followed by a fenced picture")
            return [:]
        }
        var graph: [String: Set<String>] = [:]
        for line in lines[(open + 1)..<close] {
            let sides = line.components(separatedBy: "→")
            guard sides.count == 2 else { continue }
            let name = sides[0].trimmingCharacters(in: .whitespaces)
            let right = sides[1].trimmingCharacters(in: .whitespaces)
            graph[name] =
                right.hasPrefix("(")
                ? [] : Set(right.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return graph
    }

    /// Everything `target` reaches, following the arrows.
    static func reach(from target: String, in graph: [String: Set<String>]) -> Set<String> {
        var seen: Set<String> = []
        var queue = Array(graph[target] ?? [])
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            queue += graph[next] ?? []
        }
        return seen
    }

    @Test func theManifestIsReadAsItIsWritten() throws {
        let graph = try Self.declaredGraph()
        // A reading that found nothing would let every check below pass.
        #expect(graph["PushSyntax"] == [])
        #expect(graph["PushSandbox"]?.contains("Hummingbird") == true)
        #expect(graph["pushsh"]?.contains("ArgumentParser") == true)
        #expect(graph.count >= 10, "\(graph.keys.sorted())")
    }

    @Test func theLanguageDoesNotReachTheSimulatorOrItsServer() throws {
        let graph = try Self.declaredGraph()
        for language in ["PushSyntax", "PushScript"] {
            #expect(graph[language] != nil, "Package.swift has no target \(language)")
            let reached = Self.reach(from: language, in: graph)
            for forbidden in ["PushSandbox", "BuiltInSandbox", "Hummingbird", "HummingbirdCore"] {
                #expect(!reached.contains(forbidden), "\(language) depends on \(forbidden): \(reached.sorted())")
            }
        }
    }

    /// The language and the shell link no HTTP client: PushScript declares the
    /// TransportFactory it needs, and only HTTPConnections (which the
    /// composition roots link) puts PushHTTP's transport behind it; the
    /// transport, for its part, knows nothing of the language.
    @Test func theLanguageAndTheShellDoNotReachTheHTTPClient() throws {
        let graph = try Self.declaredGraph()
        #expect(graph["HTTPConnections"]?.isSuperset(of: ["PushScript", "PushHTTP"]) == true, "\(graph["HTTPConnections"] ?? [])")
        for language in ["PushSyntax", "PushScript", "PushShell"] {
            #expect(graph[language] != nil, "Package.swift has no target \(language)")
            let reached = Self.reach(from: language, in: graph)
            for forbidden in ["PushHTTP", "HTTPConnections", "AsyncHTTPClient"] {
                #expect(!reached.contains(forbidden), "\(language) depends on \(forbidden): \(reached.sorted())")
            }
            let network = reached.filter { $0.hasPrefix("NIO") }
            #expect(network.isEmpty, "\(language) depends on \(network.sorted())")
        }
        let transportReaches = Self.reach(from: "PushHTTP", in: graph)
        for language in ["PushSyntax", "PushScript", "PushShell", "HTTPConnections"] {
            #expect(!transportReaches.contains(language), "PushHTTP depends on \(language): \(transportReaches.sorted())")
        }
    }

    /// The client core and the simulator link no HTTP client: the HTTP
    /// transport is PushHTTP's, and only what sends over the network links it.
    @Test func theClientCoreAndTheSimulatorDoNotReachTheHTTPClient() throws {
        let graph = try Self.declaredGraph()
        #expect(graph["PushHTTP"]?.contains("AsyncHTTPClient") == true, "the HTTP transport is PushHTTP's")
        for core in ["PushAPI", "PushSandbox"] {
            #expect(graph[core] != nil, "Package.swift has no target \(core)")
            let reached = Self.reach(from: core, in: graph)
            for forbidden in ["AsyncHTTPClient", "PushHTTP"] {
                #expect(!reached.contains(forbidden), "\(core) depends on \(forbidden): \(reached.sorted())")
            }
        }
        // Nor through an import that SwiftPM would let through from a sibling's build.
        let folder = Binary.root.appendingPathComponent("Sources/PushAPI")
        let files = FileManager.default.enumerator(atPath: folder.path)
        var read = 0
        while let file = files?.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            read += 1
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.components(separatedBy: "\n") where line.hasPrefix("import ") {
                let module = line.dropFirst("import ".count).trimmingCharacters(in: .whitespaces)
                #expect(
                    !module.hasPrefix("NIO") && module != "AsyncHTTPClient",
                    "Sources/PushAPI/\(file) imports \(module): the client core links no network library")
            }
        }
        #expect(read > 10, "found only \(read) Swift files in Sources/PushAPI")
    }

    @Test func theReadmePictureIsTheManifest() throws {
        let declared = try Self.declaredGraph()
        let drawn = try Self.pictureInReadme()
        for name in Set(declared.keys).union(drawn.keys).sorted() {
            #expect(
                drawn[name] == declared[name],
                "README.md draws \(name) → \(drawn[name].map { $0.sorted() } ?? []) but Package.swift declares \(declared[name].map { $0.sorted() } ?? [])"
            )
        }
    }

    /// The README's "Where a change goes" table names files and folders of
    /// Sources/: each must be there, so the table cannot send anyone to a
    /// room that has moved.
    @Test func theReadmesRoomsExist() throws {
        let text = try String(contentsOf: Binary.root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = try #require(
            text.components(separatedBy: "Where a change goes:").dropFirst().first?.trimmingCharacters(in: .newlines).components(
                separatedBy: "\n\n"
            ).first)
        let paths = table.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element).filter {
            $0.contains("/") && $0 != "Sources/"
        }
        #expect(paths.count >= 20, "\(paths)")
        for path in paths {
            let url = Binary.root.appendingPathComponent("Sources").appendingPathComponent(path)
            #expect(
                FileManager.default.fileExists(atPath: url.path),
                "README's \"Where a change goes\" names Sources/\(path), which is not there")
        }
    }

    /// What comes with the toolchain, imported without a declaration.
    static let platformModules: Set<String> = ["Foundation", "FoundationEssentials", "Synchronization", "Dispatch", "Glibc", "Darwin"]

    /// SwiftPM lets a module import a sibling it does not declare when that
    /// sibling happens to be built first, and a package's module that comes
    /// in under another (NIOCore under AsyncHTTPClient), so an arrow could
    /// come back, or a dependency hide, through an `import` alone: every
    /// import, of our modules or a package's, must be declared.
    @Test func everyImportIsDeclared() throws {
        let graph = try Self.declaredGraph()
        let sources = Binary.root.appendingPathComponent("Sources")
        for target in graph.keys.sorted() {
            let folder = sources.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.components(separatedBy: "\n") {
                    // `import M`, also behind attributes and access (`@preconcurrency import M`, `public import M`).
                    let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
                    guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                        words[..<at].allSatisfy({ $0.hasPrefix("@") || ["public", "package", "internal"].contains($0) })
                    else { continue }
                    let module = String(words[at + 1])
                    guard module != target, !Self.platformModules.contains(module) else { continue }
                    #expect(
                        graph[target]?.contains(module) == true,
                        "Sources/\(target)/\(file) imports \(module), which Package.swift does not give it")
                }
            }
        }
    }
}

/// Just enough of `Package.swift`'s text to list targets and dependencies:
/// `.target`, `.executableTarget` and `.systemLibrary` calls, their `name:`,
/// and the names in `dependencies: [...]` (a `.product(name:)` counts by its name).
struct PackageManifestText {
    let text: String

    init(_ text: String) { self.text = text }

    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    func targets() throws -> [String: Set<String>] {
        var graph: [String: Set<String>] = [:]
        for kind in [".target(", ".executableTarget(", ".systemLibrary("] {
            var rest = text[...]
            while let start = rest.range(of: kind) {
                let call = try balanced(from: start.upperBound, in: rest, open: "(", close: ")")
                guard let name = firstString(after: "name:", in: call) else {
                    throw Unreadable(description: "a \(kind) call in Package.swift has no name: \(call.prefix(60))")
                }
                var dependencies: Set<String> = []
                if let list = call.range(of: "dependencies: [") {
                    var inside = try balanced(from: list.upperBound, in: call, open: "[", close: "]")
                    while let product = inside.range(of: ".product(") {
                        let arguments = try balanced(from: product.upperBound, in: inside, open: "(", close: ")")
                        if let productName = firstString(after: "name:", in: arguments) { dependencies.insert(productName) }
                        inside.removeSubrange(product.lowerBound..<inside.index(arguments.endIndex, offsetBy: 1))
                    }
                    dependencies.formUnion(strings(in: inside))
                }
                graph[name] = dependencies
                rest = rest[start.upperBound...]
            }
        }
        return graph
    }

    /// The text from `start` up to (not including) the bracket that closes the one just before it.
    private func balanced(from start: Substring.Index, in text: Substring, open: Character, close: Character) throws -> Substring {
        var depth = 1
        var index = start
        var inString = false
        while index < text.endIndex {
            let c = text[index]
            if c == "\"" { inString.toggle() }
            if !inString {
                if c == open { depth += 1 }
                if c == close {
                    depth -= 1
                    if depth == 0 { return text[start..<index] }
                }
            }
            index = text.index(after: index)
        }
        throw Unreadable(description: "an unclosed \(open) in Package.swift")
    }

    private func firstString(after label: String, in text: Substring) -> String? {
        guard let at = text.range(of: label) else { return nil }
        return strings(in: text[at.upperBound...]).first
    }

    /// The string literals of `text`, in order.
    private func strings(in text: Substring) -> [String] {
        text.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}

import Foundation
import PushSyntax
import Testing

@testable import PushScript

/// The include loader on its own: what it refuses, in which words, and where.
@Suite struct IncludeLoaderTests {
    /// A fresh folder of script files, removed when the test is done with it.
    final class Folder {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-loader-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Writes `text` to `name` in the folder; returns it as a source file.
        @discardableResult func write(_ name: String, _ text: String) throws -> SourceFile {
            try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
            return SourceFile(name: path + "/" + name, text: text)
        }
    }

    /// Where `include` stands in a file: line 2, the path at column 9.
    func place(in file: SourceFile) -> SourceRange {
        SourceRange(
            file: file.name, start: SourceLocation(line: 2, column: 9, offset: 20),
            end: SourceLocation(line: 2, column: 19, offset: 30))
    }

    func refusal(_ load: () throws(IncludeLoader.Refusal) -> Void) -> IncludeLoader.Refusal? {
        do {
            try load()
            return nil
        } catch {
            return error
        }
    }

    @Test func loadsAFileRelativeToTheOneIncludingIt() throws {
        let folder = try Folder()
        try FileManager.default.createDirectory(atPath: folder.path + "/lib", withIntermediateDirectories: true)
        let main = try folder.write("main.push", "print 1\ninclude \"lib/a.push\"\n")
        try folder.write("lib/a.push", "let a = 1\nprint a\n")
        var loader = IncludeLoader()
        loader.start(script: main.name)
        let included = try loader.load("lib/a.push", from: main, at: place(in: main))
        #expect(included.source.name == folder.path + "/lib/a.push")
        #expect(included.statements.count == 2)
        #expect(loader.loaded == 1)
        loader.enter(included)
        #expect(loader.stack == [main.name, folder.path + "/lib/a.push"])
        loader.leave()
        #expect(loader.stack == [main.name])
    }

    @Test func refusesACycleNamingTheFilesInIt() throws {
        let folder = try Folder()
        let main = try folder.write("main.push", "print 1\ninclude \"b.push\"\n")
        let b = try folder.write("b.push", "print 2\ninclude \"./main.push\"\n")
        var loader = IncludeLoader()
        loader.start(script: main.name)
        let included = try loader.load("b.push", from: main, at: place(in: main))
        loader.enter(included)
        let refused = try #require(
            refusal { () throws(IncludeLoader.Refusal) in _ = try loader.load("./main.push", from: b, at: place(in: b)) })
        #expect(refused.error.message == "./main.push includes itself (through \(main.name) → \(b.name))")
        #expect(refused.error.exitCode == .runtime)
        #expect(refused.error.range == place(in: b))
        // Once b has finished, main may be included from elsewhere again (a diamond is no cycle).
        loader.leave()
        loader.start(script: folder.path + "/other.push")
        #expect(refusal { () throws(IncludeLoader.Refusal) in _ = try loader.load("main.push", from: b, at: place(in: b)) } == nil)
    }

    @Test func refusesToNestDeeperThanTheLimit() throws {
        let folder = try Folder()
        var current = try folder.write("f0.push", "print 0\ninclude \"f1.push\"\n")
        var loader = IncludeLoader()
        loader.start(script: current.name)
        // The script is the first file: 15 more nest, the 16th is refused.
        for depth in 1..<IncludeLoader.maxDepth {
            try folder.write("f\(depth).push", "print \(depth)\ninclude \"f\(depth + 1).push\"\n")
            let included = try loader.load("f\(depth).push", from: current, at: place(in: current))
            loader.enter(included)
            current = included.source
        }
        #expect(loader.stack.count == 16)
        try folder.write("f16.push", "print 16\n")
        let refused = try #require(
            refusal { () throws(IncludeLoader.Refusal) in _ = try loader.load("f16.push", from: current, at: place(in: current)) })
        #expect(refused.error.message == "includes nest deeper than 16 files")
        #expect(refused.error.range?.file == folder.path + "/f15.push")
        // One level up, the same file loads.
        loader.leave()
        #expect(
            refusal { () throws(IncludeLoader.Refusal) in _ = try loader.load("f16.push", from: current, at: place(in: current)) } == nil)
    }

    @Test func stopsAnEndlessTreeOfIncludes() throws {
        let folder = try Folder()
        let main = try folder.write("main.push", "print 1\ninclude \"leaf.push\"\n")
        try folder.write("leaf.push", "print 2\n")
        var loader = IncludeLoader()
        loader.start(script: main.name)
        for _ in 0..<IncludeLoader.maxIncludes { _ = try loader.load("leaf.push", from: main, at: place(in: main)) }
        let refused = try #require(
            refusal { () throws(IncludeLoader.Refusal) in _ = try loader.load("leaf.push", from: main, at: place(in: main)) })
        #expect(refused.error.message.hasPrefix("more than 10,000 includes ran"))
    }

    @Test func aMissingFileIsAParseErrorAtItsPlace() throws {
        let folder = try Folder()
        let main = try folder.write("main.push", "print 1\ninclude \"nope.push\"\n")
        var loader = IncludeLoader()
        loader.start(script: main.name)
        let refused = try #require(
            refusal { () throws(IncludeLoader.Refusal) in _ = try loader.load("nope.push", from: main, at: place(in: main)) })
        #expect(refused.error.exitCode == .parse)
        #expect(refused.error.message == "cannot include \"nope.push\": the file does not exist or cannot be read")
        #expect(refused.error.hint == "looked for \(folder.path)/nope.push; a path is relative to the folder of the file that includes it")
        #expect(refused.unparsed == nil)
        // As reported: file:line:col, the line and a caret under the path.
        let text = ErrorReport(refused.error).text(sources: [main.name: main], color: false)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "\(main.name):2:9: error: cannot include \"nope.push\": the file does not exist or cannot be read")
        #expect(lines.contains("  2 | include \"nope.push\""))
        #expect(lines.last == "hint: looked for \(folder.path)/nope.push; a path is relative to the folder of the file that includes it")
    }

    @Test func aFileThatDoesNotParseBringsItsDiagnostics() throws {
        let folder = try Folder()
        let main = try folder.write("main.push", "print 1\ninclude \"bad.push\"\n")
        try folder.write("bad.push", "print \"unclosed\n")
        var loader = IncludeLoader()
        loader.start(script: main.name)
        let refused = try #require(
            refusal { () throws(IncludeLoader.Refusal) in _ = try loader.load("bad.push", from: main, at: place(in: main)) })
        #expect(refused.error.message == "bad.push does not parse")
        #expect(refused.error.exitCode == .parse)
        let unparsed = try #require(refused.unparsed)
        #expect(unparsed.source.name == folder.path + "/bad.push")
        #expect(unparsed.diagnostics.contains { $0.severity == .error && $0.range.file == folder.path + "/bad.push" })
        #expect(loader.stack == [main.name])
    }
}

import Foundation
import PushSyntax

/// Finds, reads and parses the files a running script includes, and refuses
/// the ones that cannot run: a cycle, nesting too deep, a file that cannot be
/// read or does not parse.
///
/// The check before the run follows every literal path already; this is for
/// the paths only the run can compute (`include "${name}.push"`), so it gives
/// the same verdicts in the same words.
struct IncludeLoader {
    /// How deep includes may nest, the script itself counting as the first file.
    static let maxDepth = Checker.maxIncludeDepth
    /// How many includes one interpreter runs at the most: a tree of includes
    /// (or one in a loop) must not run for ever.
    static let maxIncludes = 10_000

    /// An included file, read and parsed, ready to run.
    struct Include {
        /// The file under the name it was found by (its path resolved).
        let source: SourceFile
        let statements: [Statement]
    }

    /// An include that cannot run: the error to report and, for a file that
    /// does not parse, the file and the parser's diagnostics, to show before it.
    struct Refusal: Error {
        var error: ScriptError
        var unparsed: (source: SourceFile, diagnostics: [Diagnostic])?
    }

    /// Files being included, innermost last: cycles are refused.
    private(set) var stack: [String] = []
    /// Includes loaded so far, over the interpreter's life.
    private(set) var loaded = 0

    /// A script starts: it counts as included, so a file that includes itself is a cycle at once.
    mutating func start(script name: String) {
        stack = [name]
    }

    /// Loads the file `written` names, relative to the file that includes it.
    mutating func load(_ written: String, from current: SourceFile, at range: SourceRange) throws(Refusal) -> Include {
        let path = current.resolve(path: written)
        guard !stack.contains(path) else {
            throw Refusal(error: .runtime("\(written) includes itself (through \(stack.joined(separator: " → ")))", at: range))
        }
        guard stack.count < Self.maxDepth else {
            throw Refusal(error: .runtime("includes nest deeper than \(Self.maxDepth) files", at: range))
        }
        loaded += 1
        guard loaded <= Self.maxIncludes else {
            throw Refusal(
                error: .runtime(
                    "more than 10,000 includes ran; is a file included over and over (in a loop, or a tree of includes)?", at: range))
        }
        // The same verdict and words as the check before the run (exit 2):
        // only a path computed at run time gets this far unread.
        guard let bytes = FileManager.default.contents(atPath: path) else {
            let problem = IncludeRules.unreadable(written, resolved: path)
            throw Refusal(error: ScriptError(.parse, problem.message, at: range, hint: problem.hint))
        }
        let source = SourceFile(name: path, bytes: Array(bytes))
        let parsed = Parser.parse(source)
        guard !parsed.hasErrors else {
            throw Refusal(error: ScriptError(.parse, "\(written) does not parse", at: range), unparsed: (source, parsed.diagnostics))
        }
        return Include(source: source, statements: parsed.program.statements)
    }

    /// The include's statements run now: until `leave()`, including it again is a cycle.
    mutating func enter(_ include: Include) {
        stack.append(include.source.name)
    }

    /// The include that ran last has finished.
    mutating func leave() {
        stack.removeLast()
    }
}

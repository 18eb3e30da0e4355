// libFuzzer target A: the language's front end (Sources/PushSyntax), compiled
// into the same module as this file by fuzz/run.sh.
//
// One input is a script, optionally followed by a line `#---` and a second
// file that any `include "...b.push"` in the script reads (an include of
// "main.push" reads the script itself). Each input goes through everything
// `pushsh check` and `pushsh run` do before running anything: the lexer, the
// parser, the checker (with its includes), the parser of `--var` values, and
// the rendering of every diagnostic. A crash, a trap, or a diagnostic whose
// place lies outside its file (or names the wrong line) is a finding.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let (mainBytes, libraryBytes) = fuzzSplit(bytes)
    let main = SourceFile(name: "dir/main.push", bytes: mainBytes)
    let library = SourceFile(name: "dir/lib/b.push", bytes: libraryBytes ?? Array("print \"b\"\n".utf8))
    let sources = [main, library]

    // The lexer on its own, as the shell's completion and highlighting use it.
    let (tokens, lexed) = Lexer.tokenize(main)
    fuzzCheck(!tokens.isEmpty, "the lexer gave no tokens (not even the end of the file)")
    checkPlaces(lexed, sources, "lexer")

    // The parser, as for `pushsh run` and `pushsh check`.
    let parsed = Parser.parse(main)
    checkPlaces(parsed.diagnostics, sources, "parser")

    // The checker, following includes in a two-file world. Any path ending in
    // b.push is the second file, so one file has many names, as through
    // "./b.push" or a symlink. The checker follows every include anew, so
    // includes are cut off after `includeLimit` loads; see fuzz/crashes/README.md.
    var loads = 0
    let checked = Checker.check(parsed.program, source: main, predefined: ["batch", "limit"]) { path in
        loads += 1
        if includeLimit > 0 && loads > includeLimit { throw MissingFile() }
        if path.hasSuffix("b.push") { return library }
        if path.hasSuffix("main.push") { return main }
        throw MissingFile()
    }
    checkPlaces(checked, sources, "checker")

    // Everything rendered, as a terminal and as a log would show it.
    let all = parsed.diagnostics + checked
    let plain = Diagnostic.render(all, sources: sources, color: false)
    _ = Diagnostic.render(all, sources: sources, color: true)
    fuzzCheck(all.isEmpty || !plain.isEmpty, "diagnostics rendered as nothing")
    for diagnostic in all.prefix(3) {
        let source = diagnostic.range.file == library.name ? library : main
        _ = source.text(in: diagnostic.range)
        _ = source.lineText(diagnostic.range.line)
    }

    // A `--var NAME=VALUE` value and a one-line prompt entry.
    let value = Parser.parseExpression(SourceFile(name: "--var", bytes: mainBytes))
    checkPlaces(value.diagnostics, [SourceFile(name: "--var", bytes: mainBytes)], "--var")
    if let firstLine = mainBytes.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false).first {
        let prompt = SourceFile(name: "<prompt>", bytes: Array(firstLine))
        let entry = Parser.parse(prompt)
        checkPlaces(entry.diagnostics, [prompt], "prompt")
    }
    return 0
}

struct MissingFile: Error {}

/// How many includes the checker may load for one input (0: no limit).
/// FUZZ_INCLUDE_LIMIT=0 replays fuzz/crashes/parser-timeout-2685... as found.
let includeLimit: Int = {
    guard let text = getenv("FUZZ_INCLUDE_LIMIT") else { return 200 }
    return Int(String(cString: text)) ?? 200
}()

/// A check that holds in optimized builds too, and says what failed.
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// The script, and the included file after a line `#---`, if there is one.
func fuzzSplit(_ bytes: [UInt8]) -> ([UInt8], [UInt8]?) {
    let marker = Array("\n#---\n".utf8)
    guard bytes.count >= marker.count else { return (bytes, nil) }
    for i in 0...(bytes.count - marker.count) where bytes[i] == marker[0] && bytes[i..<(i + marker.count)].elementsEqual(marker) {
        return (Array(bytes[..<(i + 1)]), Array(bytes[(i + marker.count)...]))
    }
    return (bytes, nil)
}

/// Every diagnostic names a file there is, a place inside it, and the line
/// that place is on.
func checkPlaces(_ diagnostics: [Diagnostic], _ sources: [SourceFile], _ stage: String) {
    guard !diagnostics.isEmpty else { return }
    // Where each line starts, per file, to find the line of an offset.
    var lineStarts: [String: [Int]] = [:]
    for source in sources where lineStarts[source.name] == nil {
        var starts = [0]
        for (i, byte) in source.utf8.enumerated() where byte == 0x0A { starts.append(i + 1) }
        lineStarts[source.name] = starts
    }
    for d in diagnostics {
        guard let source = sources.first(where: { $0.name == d.range.file }), let starts = lineStarts[source.name] else {
            fatalError("\(stage): a diagnostic names the file '\(d.range.file)': \(d)")
        }
        let count = source.utf8.count
        let start = d.range.start, end = d.range.end
        fuzzCheck(!d.message.isEmpty, "\(stage): an empty message at \(d.range)")
        fuzzCheck(start.line >= 1 && start.column >= 1, "\(stage): no place (line \(start.line), column \(start.column)): \(d)")
        fuzzCheck(start.offset >= 0 && start.offset <= count, "\(stage): offset \(start.offset) outside the file (\(count) bytes): \(d)")
        fuzzCheck(end.offset >= start.offset && end.offset <= count, "\(stage): range end \(end.offset) (start \(start.offset), \(count) bytes): \(d)")
        // The line of the offset: how many line starts are at or before it.
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= start.offset { low = mid + 1 } else { high = mid }
        }
        fuzzCheck(low == start.line, "\(stage): the place says line \(start.line), but offset \(start.offset) is on line \(low): \(d)")
    }
}

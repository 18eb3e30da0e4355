/// Turning a diagnostic into the text a person reads in a terminal.
extension Diagnostic {
    /// Renders the diagnostic with the source line and carets under the problem:
    ///
    /// ```
    /// employees.push:3:9: error: expected 'apply' or 'discard' after the session
    ///   3 | close s finish
    ///     |         ^^^^^^
    /// hint: close s apply   (or: close s discard)
    /// ```
    ///
    /// `source` should be the file the diagnostic is in (`range.file`); for a
    /// diagnostic from another file (an included one) without its source at
    /// hand, only the first line and the hint are printed. `color` adds ANSI
    /// colours; the caller decides (a terminal, and `NO_COLOR` unset).
    public func render(source: SourceFile, color: Bool) -> String {
        let style = TerminalStyle(enabled: color)
        var lines: [String] = []
        let label = severity.paint(severity.rawValue + ":", style)
        // A message quotes what was written; a 10 MB word must not make a 10 MB message.
        let shown = message.count > 300 ? String(message.prefix(300)) + "…" : message
        lines.append("\(style.bold(range.description + ":")) \(label) \(style.bold(shown))")
        if source.name == range.file {
            lines.append(contentsOf: excerpt(source: source, style: style))
        }
        for detail in details.prefix(40) { lines.append("  " + (detail.count > 300 ? String(detail.prefix(300)) + "…" : detail)) }
        if let hint {
            lines.append(style.hint("hint:") + " " + (hint.count > 300 ? String(hint.prefix(300)) + "…" : hint))
        }
        return lines.joined(separator: "\n")
    }

    /// Renders several diagnostics, each followed by a blank line, picking the
    /// source for each from `sources` by file name.
    ///
    /// At most `limit` are shown, then a count of the rest: a hostile file
    /// with a million errors must not print a million screens.
    public static func render(_ diagnostics: [Diagnostic], sources: [SourceFile], color: Bool, limit: Int = 20) -> String {
        var byName: [String: SourceFile] = [:]
        for source in sources where byName[source.name] == nil { byName[source.name] = source }
        var text = diagnostics.prefix(limit).map { diagnostic in
            let source = byName[diagnostic.range.file] ?? SourceFile(name: "", text: "")
            return diagnostic.render(source: source, color: color) + "\n"
        }.joined(separator: "\n")
        if diagnostics.count > limit {
            text += "\n… and \(diagnostics.count - limit) more problem\(diagnostics.count - limit == 1 ? "" : "s") (fix these first)\n"
        }
        return text
    }

    /// Longest source line shown in full; longer ones are cut around the problem.
    static let maxExcerptWidth = 120

    /// The numbered source line and the caret line under it.
    ///
    /// Works from byte offsets and decodes only a slice around the problem, so
    /// an error in a 10 MB single-line file costs no more than one on a short line.
    private func excerpt(source: SourceFile, style: TerminalStyle) -> [String] {
        let bytes = source.utf8
        let newline = UInt8(ascii: "\n")
        let offset = min(max(range.start.offset, 0), bytes.count)
        var lineStart = offset
        while lineStart > 0, bytes[lineStart - 1] != newline { lineStart -= 1 }
        var lineEnd = offset
        while lineEnd < bytes.count, bytes[lineEnd] != newline { lineEnd += 1 }
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let caretStart = min(offset, lineEnd)
        let caretEnd = min(max(range.end.offset, caretStart), lineEnd)

        // Decode a bounded slice, starting on a character boundary.
        var sliceStart = max(lineStart, caretStart - 4 * Self.maxExcerptWidth)
        while sliceStart > lineStart, sliceStart < bytes.count, bytes[sliceStart] & 0xC0 == 0x80 { sliceStart -= 1 }
        let sliceEnd = min(lineEnd, caretStart + 8 * Self.maxExcerptWidth)
        let before = Array(String(decoding: bytes[sliceStart..<caretStart], as: UTF8.self).unicodeScalars)
        let marked = Array(String(decoding: bytes[caretStart..<caretEnd], as: UTF8.self).unicodeScalars)
        let after = Array(String(decoding: bytes[caretEnd..<max(caretEnd, sliceEnd)], as: UTF8.self).unicodeScalars)
        let scalars = before + marked + after
        let startIndex = before.count
        let endIndex = startIndex + max(marked.count, 1)

        // Show at most maxExcerptWidth characters, keeping some context before the problem.
        var windowStart = 0
        var windowEnd = scalars.count
        if scalars.count > Self.maxExcerptWidth || sliceStart > lineStart {
            windowStart = max(0, startIndex - 40)
            windowEnd = min(scalars.count, windowStart + Self.maxExcerptWidth)
        }
        let cutBefore = windowStart > 0 || sliceStart > lineStart
        let cutAfter = windowEnd < scalars.count || sliceEnd < lineEnd
        let shown = scalars[windowStart..<windowEnd].map(Self.printable)
        let caretPad = scalars[windowStart..<startIndex].map { $0 == "\t" ? "\t" : " " }
        let caretCount = max(1, min(endIndex, windowEnd + 1) - startIndex)

        let number = String(range.start.line)
        let width = max(3, number.count)
        let gutter = number.rightAligned(to: width)
        let blank = "".padded(to: width)
        let caretLine =
            (cutBefore ? " " : "") + caretPad.joined()
            + severity.paint(String(repeating: "^", count: caretCount), style)
        return [
            "\(gutter) | \(cutBefore ? "…" : "")\(String(String.UnicodeScalarView(shown)))\(cutAfter ? "…" : "")",
            "\(blank) | \(caretLine)",
        ]
    }

    /// Shows control characters as their visible Unicode pictures, one column each.
    private static func printable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar == "\t" { return scalar }
        if scalar.value < 0x20 { return Unicode.Scalar(0x2400 + scalar.value) ?? "?" }
        if scalar.value == 0x7F { return "\u{2421}" }
        return scalar
    }
}

extension Diagnostic.Severity {
    /// The severity label and the carets in the severity's colour.
    fileprivate func paint(_ text: String, _ style: TerminalStyle) -> String {
        switch self {
        case .error: style.error(text)
        case .warning: style.warning(text)
        case .note: style.note(text)
        }
    }
}

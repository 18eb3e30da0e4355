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
        let style = Style(enabled: color)
        var lines: [String] = []
        let label = style.paint(severity.rawValue + ":", severity.colorCode)
        lines.append("\(style.bold(range.description + ":")) \(label) \(style.bold(message))")
        if source.name == range.file {
            lines.append(contentsOf: excerpt(source: source, style: style))
        }
        if let hint {
            lines.append(style.paint("hint:", Style.cyan) + " " + hint)
        }
        return lines.joined(separator: "\n")
    }

    /// Renders several diagnostics, each followed by a blank line, picking the
    /// source for each from `sources` by file name.
    public static func render(_ diagnostics: [Diagnostic], sources: [SourceFile], color: Bool) -> String {
        var byName: [String: SourceFile] = [:]
        for source in sources where byName[source.name] == nil { byName[source.name] = source }
        return diagnostics.map { diagnostic in
            let source = byName[diagnostic.range.file] ?? SourceFile(name: "", text: "")
            return diagnostic.render(source: source, color: color) + "\n"
        }.joined(separator: "\n")
    }

    /// Longest source line shown in full; longer ones are cut around the problem.
    static let maxExcerptWidth = 120

    /// The numbered source line and the caret line under it.
    private func excerpt(source: SourceFile, style: Style) -> [String] {
        let lineNumber = range.start.line
        let scalars = Array(source.lineText(lineNumber).unicodeScalars)
        // Columns are 1-based scalar counts; clamp so a range at the end of
        // the line (a missing word) still gets one caret after the text.
        let startIndex = min(max(range.start.column - 1, 0), scalars.count)
        let endIndex: Int
        if range.end.line == range.start.line {
            endIndex = min(max(range.end.column - 1, startIndex + 1), max(scalars.count, startIndex + 1))
        } else {
            endIndex = max(scalars.count, startIndex + 1)
        }
        // Cut very long lines (minified JSON, a 10 MB line) to a window around the problem.
        var windowStart = 0
        var windowEnd = scalars.count
        if scalars.count > Self.maxExcerptWidth {
            windowStart = max(0, startIndex - 40)
            windowEnd = min(scalars.count, windowStart + Self.maxExcerptWidth)
        }
        let shown = scalars[windowStart..<windowEnd].map(Self.printable)
        let prefix = windowStart > 0 ? "…" : ""
        let suffix = windowEnd < scalars.count ? "…" : ""
        let caretPad = scalars[windowStart..<min(startIndex, windowEnd)].map { $0 == "\t" ? "\t" : " " }
        let caretCount = max(1, min(endIndex, windowEnd + 1) - startIndex)

        let number = String(lineNumber)
        let width = max(3, number.count)
        let gutter = String(repeating: " ", count: width - number.count) + number
        let blank = String(repeating: " ", count: width)
        let caretLine = (prefix.isEmpty ? "" : " ") + caretPad.joined()
            + style.paint(String(repeating: "^", count: caretCount), severity.colorCode)
        return [
            "\(gutter) | \(prefix)\(String(String.UnicodeScalarView(shown)))\(suffix)",
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
    /// The ANSI colour of the severity label and the carets.
    fileprivate var colorCode: String {
        switch self {
        case .error: Style.red
        case .warning: Style.yellow
        case .note: Style.cyan
        }
    }
}

/// ANSI styling that turns into plain text when colour is off.
private struct Style {
    static let red = "31"
    static let yellow = "33"
    static let cyan = "36"

    var enabled: Bool

    func paint(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[1;\(code)m\(text)\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String {
        enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}

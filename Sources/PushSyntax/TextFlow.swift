import Foundation

/// Fits help text to a terminal: prose is re-flowed to the width, while
/// syntax, examples and aligned lists are kept exactly as written.
public enum TextFlow {
    /// Prose lines are never made longer than this, however wide the terminal.
    public static let readableWidth = 100

    /// How long a line may be on a terminal `columns` wide: one less, so no
    /// line ends in the last column (there the terminal wraps, or not,
    /// depending on its margin mode and the pager, and a `columns`-long line
    /// reads as one column over). Every caller that fits text to a terminal
    /// goes through here.
    public static func lineWidth(forTerminalColumns columns: Int) -> Int { max(1, columns - 1) }

    /// The width help listings (the overview, the function table) are laid
    /// out for: reflow leaves indented lines as they are, so they must fit
    /// the narrowest terminal help is read on, 80 columns, through `less`.
    public static let listingWidth = lineWidth(forTerminalColumns: 80)

    /// Re-flows every paragraph whose lines all start at the left margin
    /// (prose); a paragraph with any indented line (code, a table, a
    /// definition list with hanging indents) is left alone.
    public static func reflow(_ text: String, width: Int) -> String {
        let width = max(20, min(width, readableWidth))
        var out: [String] = []
        var paragraph: [Substring] = []
        func flush() {
            defer { paragraph = [] }
            guard !paragraph.isEmpty else { return }
            let prose = paragraph.allSatisfy { $0.first.map { $0 != " " && $0 != "\t" } ?? false }
            let fits = paragraph.allSatisfy { $0.count <= width }
            if !prose || (fits && paragraph.count == 1) {
                out += paragraph.map(String.init)
                return
            }
            out += wrap(paragraph.joined(separator: " "), width: width)
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
                out.append(String(line))
            } else {
                paragraph.append(line)
            }
        }
        flush()
        return out.joined(separator: "\n")
    }

    /// `lead` then `text` on the first line, the rest of `text` wrapped under
    /// its own start: a listing whose columns stay aligned however narrow the
    /// terminal (only the text is wrapped; the lead's padding is kept as is).
    /// The text keeps at least 20 columns, even if that overruns `width`.
    public static func hanging(_ lead: String, _ text: String, width: Int) -> [String] {
        let pad = String(repeating: " ", count: lead.count)
        return wrap(text, width: max(20, width - lead.count)).enumerated().map { ($0.offset == 0 ? lead : pad) + $0.element }
    }

    /// Words of `text` in lines of at most `width` columns (a longer word gets
    /// a line of its own); lines after the first start with `indent`.
    public static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let prefix = lines.isEmpty ? "" : indent
            if line.isEmpty {
                line = prefix + word
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = indent + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

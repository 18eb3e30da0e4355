import Foundation

/// Text written back as pushsh source: what `save`, hints and reconnect lines print.
public enum StringLiteral {
    /// `text` as a pushsh string literal that reads back as exactly `text`
    /// (`\`, `"` and `$` escaped, so nothing is interpolated).
    public static func quoted(_ text: String) -> String {
        "\""
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$") + "\""
    }
}

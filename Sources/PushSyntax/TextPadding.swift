/// Padding for text laid out in columns (help listings, tables, lesson lists,
/// completion candidates, diagnostic gutters): one rule everywhere. Widths
/// count characters; a text already as wide or wider is returned whole, never
/// cut (unlike Foundation's `padding(toLength:withPad:startingAt:)`).
extension String {
    /// The text, then spaces up to `width` characters.
    public func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Spaces, then the text, `width` characters in all: numbers lined up on the right.
    public func rightAligned(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

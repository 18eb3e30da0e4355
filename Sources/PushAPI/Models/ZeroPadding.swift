extension String {
    /// Zeros, then the text, `width` characters in all (`7` → `007`); a
    /// longer text is returned whole. The one rule for the digits of
    /// timestamps, percent-escapes and generated ids.
    public func zeroPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

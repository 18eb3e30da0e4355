import Foundation

/// Durations as people write them: `500ms`, `30s`, `1.5m`, `2h`, `1d`.
public enum DurationText {
    /// Reads a duration. A bare number is not one (30 what?): the language
    /// decided so once (`help durations`), for scripts and command-line flags alike.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.filter { $0 != " " }
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            // "ms" ends in "s": only take "s" when what is left is a number.
            guard let value = Double(number), value >= 0, value.isFinite else { continue }
            return .milliseconds(Int64((value * factor).rounded()))
        }
        return nil
    }

    /// Whether the text is a number without a unit, the mistake to explain with "write 5s".
    public static func isBareNumber(_ text: String) -> Bool {
        Double(text.trimmingCharacters(in: .whitespaces)) != nil
    }

    /// `duration` rounded up to what a person reads at a glance: whole
    /// seconds under ten minutes, whole minutes from there (`1h`, not
    /// `3599710ms`). Up, never down, so a wait shown or suggested is never
    /// shorter than the real one. `format` it to show it; `parse` reads it back.
    public static func roundedUp(_ duration: Duration) -> Duration {
        let ms = duration.wholeMilliseconds
        guard ms > 0 else { return .zero }
        let unit: Int64 = ms < 600_000 ? 1000 : 60_000
        return .milliseconds((ms + unit - 1) / unit * unit)
    }

    /// `roundedUp` then `format`: `4s`, `90s`, `1h`, `61m`.
    public static func formatRoughly(_ duration: Duration) -> String { format(roundedUp(duration)) }

    /// The shortest exact way to write `duration`: `2m`, `90s`, `1500ms`.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.wholeMilliseconds
        if ms == 0 { return "0s" }
        if ms % 86_400_000 == 0 { return "\(ms / 86_400_000)d" }
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}

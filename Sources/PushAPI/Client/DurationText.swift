import Foundation

/// Durations as people write them: `500ms`, `30s`, `1.5m`, `2h`, `1d`.
public enum DurationText {
    /// Reads a duration, by the language's own rule (the lexer's; `help
    /// durations`), for scripts, the config file, `PUSHSH_TIMEOUT` and
    /// command-line flags alike: `digits[.digits][e[+-]digits]` and a unit
    /// attached, spaces only around it. A bare number is not one (30 what?),
    /// nor is a negative or one too large to count in milliseconds.
    public static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 }
        var end = bytes.first == UInt8(ascii: "-") ? 1 : 0
        guard isDigit(end) else { return nil }
        while isDigit(end) { end += 1 }
        var isDecimal = false
        if end < bytes.count, bytes[end] == UInt8(ascii: "."), isDigit(end + 1) {
            isDecimal = true
            end += 1
            while isDigit(end) { end += 1 }
        }
        if end < bytes.count, bytes[end] | 0x20 == UInt8(ascii: "e") {
            let signed = end + 1 < bytes.count && (bytes[end + 1] == UInt8(ascii: "+") || bytes[end + 1] == UInt8(ascii: "-"))
            if isDigit(end + (signed ? 2 : 1)) {
                isDecimal = true
                end += signed ? 2 : 1
                while isDigit(end) { end += 1 }
            }
        }
        let number = String(decoding: bytes[..<end], as: UTF8.self)
        guard let perUnit = units[String(decoding: bytes[end...], as: UTF8.self)] else { return nil }
        let duration: Duration
        if !isDecimal {
            guard let count = Int64(number) else { return nil }
            let (milliseconds, overflow) = count.multipliedReportingOverflow(by: perUnit)
            guard !overflow else { return nil }
            duration = .milliseconds(milliseconds)
        } else {
            guard let count = Double(number) else { return nil }
            let milliseconds = count * Double(perUnit)
            // The lexer's bound: well inside Int64 milliseconds, so arithmetic stays exact.
            guard milliseconds.isFinite, abs(milliseconds) < 9e18 else { return nil }
            duration = .milliseconds(milliseconds)
        }
        return duration >= .zero ? duration : nil
    }

    /// Milliseconds in one of each unit.
    private static let units: [String: Int64] = ["ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]

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

    /// For people reading a message or an ETA, rounded to what matters at
    /// that size: `120ms`, `1.5s`, `45s`, `1m 18s`, `1h 2m`, `3d 4h`. Not
    /// exact and not for reading back: `format` is.
    public static func human(_ duration: Duration) -> String {
        let ms = duration.wholeMilliseconds
        if ms == 0 { return "0s" }
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            let tenths = (ms + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let totalSeconds = ms / 1000
        if totalSeconds >= 172_800 {
            let days = totalSeconds / 86_400
            let hours = (totalSeconds / 3600) % 24
            return hours == 0 ? "\(days)d" : "\(days)d \(hours)h"
        }
        let h = totalSeconds / 3600
        let m = (totalSeconds / 60) % 60
        let s = totalSeconds % 60
        if h > 0 { return m == 0 ? "\(h)h" : "\(h)h \(m)m" }
        return s == 0 ? "\(m)m" : "\(m)m \(s)s"
    }
}

import Foundation

/// An instant as the push API writes it: ISO 8601 with milliseconds and `Z`
/// (`2025-10-31T16:38:14.401Z`).
///
/// Stored as whole milliseconds so that a timestamp read from the service is
/// written back to the very same text, which `Date` and `ISO8601DateFormatter`
/// do not promise.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public init(_ date: Date) {
        millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The current time of this machine.
    public static var now: Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// The instant `duration` later (earlier when negative).
    public func adding(_ duration: Duration) -> Timestamp {
        let (sum, overflow) = millisecondsSince1970.addingReportingOverflow(duration.wholeMilliseconds)
        return Timestamp(millisecondsSince1970: overflow ? (duration > .zero ? .max : .min) : sum)
    }

    /// The time from `earlier` to this instant.
    public func duration(since earlier: Timestamp) -> Duration {
        let (difference, overflow) = millisecondsSince1970.subtractingReportingOverflow(earlier.millisecondsSince1970)
        return .milliseconds(overflow ? (millisecondsSince1970 > earlier.millisecondsSince1970 ? Int64.max : Int64.min) : difference)
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var iso8601: String {
        let ms = millisecondsSince1970
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let h = msOfDay / 3_600_000
        let mi = (msOfDay / 60_000) % 60
        let s = (msOfDay / 1000) % 60
        let milli = msOfDay % 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(milli, 3))Z"
    }

    /// The calendar day, `YYYY-MM-DD`, in UTC.
    public var day: String { String(iso8601.prefix(10)) }

    public var description: String { iso8601 }

    /// Reads an ISO 8601 date-time: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z`
    /// or `±HH:MM`. A lowercase `t`/`z` or a space for `T` are accepted too,
    /// as RFC 3339 allows. Digits past milliseconds are truncated.
    public init?(iso8601 text: String) {
        var p = Array(text.utf8)[...]
        func number(_ count: Int) -> Int64? {
            guard p.count >= count else { return nil }
            var v: Int64 = 0
            for b in p.prefix(count) {
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int64(b - 48)
            }
            p = p.dropFirst(count)
            return v
        }
        func take(_ c: UInt8) -> Bool {
            guard p.first == c else { return false }
            p = p.dropFirst()
            return true
        }
        guard let y = number(4), take(UInt8(ascii: "-")), let mo = number(2), take(UInt8(ascii: "-")), let d = number(2)
        else { return nil }
        guard take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")) || take(UInt8(ascii: " ")) else { return nil }
        guard let h = number(2), take(UInt8(ascii: ":")), let mi = number(2) else { return nil }
        var s: Int64 = 0
        var milli: Int64 = 0
        if take(UInt8(ascii: ":")) {
            guard let sec = number(2) else { return nil }
            s = sec
            if take(UInt8(ascii: ".")) || take(UInt8(ascii: ",")) {
                var digits = 0
                while let b = p.first, b >= 48, b <= 57 {
                    if digits < 3 { milli = milli * 10 + Int64(b - 48) }
                    digits += 1
                    p = p.dropFirst()
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { milli *= 10 } }
            }
        }
        var offsetMinutes: Int64 = 0
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
        } else if let sign = p.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            p = p.dropFirst()
            guard let oh = number(2) else { return nil }
            _ = take(UInt8(ascii: ":"))
            guard let om = number(2), oh < 24, om < 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (sign == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return nil
        }
        guard p.isEmpty, (1...12).contains(mo), d >= 1, d <= Timestamp.daysIn(month: mo, year: y), h < 24, mi < 60, s < 61
        else { return nil }
        let days = Timestamp.days(fromCivil: y, mo, d)
        let seconds = days * 86_400 + h * 3600 + mi * 60 + min(s, 59) - offsetMinutes * 60
        millisecondsSince1970 = seconds * 1000 + milli
    }

    // Howard Hinnant's civil-calendar algorithms: exact for any proleptic Gregorian date.
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    String(value).zeroPadded(to: width)
}

extension Duration {
    /// The duration in whole milliseconds, rounded toward zero.
    /// Saturates at `Int64.max` rather than trapping on absurd durations.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds > 0 ? .max : .min }
        let (total, overflow2) = ms.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflow2 ? (seconds > 0 ? .max : .min) : total
    }

    /// The duration in seconds as a decimal.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

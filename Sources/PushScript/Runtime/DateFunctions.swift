import Foundation
import PushAPI
import PushSyntax

/// `date` and `excel_date`: a date as an export writes it, read strictly by
/// an explicit format, written as the ISO 8601 date-time Sprinto expects
/// (`2023-03-15T00:00:00.000Z`).
///
/// Strict on purpose: `DateFormatter` is lenient (it rolls 02/30 over into
/// March and reads 13 as a month of the next year), and a date silently
/// moved is worse than a refused one. So formats are read here, field by
/// field, and a value that does not fit is an error naming the field.
enum DateFunctions {
    static func call(_ name: String, _ a: FunctionArguments) throws(FunctionError) -> Value? {
        switch name {
        case "date":
            let text = try a.string(0)
            let zone = try a.optionalString(2).map { (z: String) throws(FunctionError) in try Zone(z, argument: 2) } ?? .utc
            if a.count > 1 {
                let format = try DateFormat(try a.string(1))
                return .string(try format.read(text, zone: zone).iso8601)
            }
            return .string(try readISO(text, zone: zone).iso8601)
        case "excel_date":
            let zone = try a.optionalString(1).map { (z: String) throws(FunctionError) in try Zone(z, argument: 1) } ?? .utc
            return .string(try excel(a, zone: zone).iso8601)
        default: return nil
        }
    }

    // MARK: Excel

    /// Excel's serial days count from 1899-12-30 for every day from 1900-03-01 on;
    /// before that Excel's calendar has a 29 February 1900 that never was.
    static let firstExcelSerial = 61.0
    /// 9999-12-31, the last day Excel has.
    static let lastExcelSerial = 2_958_465.999_999

    private static func excel(_ a: FunctionArguments, zone: Zone) throws(FunctionError) -> Instant {
        let serial: Double
        switch a.values[0] {
        case .int(let n): serial = Double(n)
        case .double(let d): serial = d
        case .string(let s):
            // A CSV cell is text: "45000" is the number it spells.
            guard let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite else {
                throw FunctionError(
                    argument: 0, "excel_date: SERIAL \"\(s.prefix(40))\" is not a number",
                    hint: "a date written out is read with date(TEXT, FORMAT)")
            }
            serial = d
        default: throw FunctionError(argument: 0, "excel_date: SERIAL must be a number, got \(a.values[0].typeName)")
        }
        guard serial >= firstExcelSerial, serial <= lastExcelSerial else {
            throw FunctionError(
                argument: 0, "excel_date: SERIAL \(Rendering.plain(a.values[0])) is outside Excel's dates pushsh reads",
                hint: "serials go from 61 (1900-03-01) to 2958465 (9999-12-31); Excel's days before March 1900 are off by one")
        }
        let milliseconds = Int64((serial * 86_400_000).rounded())
        let epoch = CivilDate.days(year: 1899, month: 12, day: 30) * 86_400_000
        return try zone.instant(localMilliseconds: epoch + milliseconds, argument: 0, function: "excel_date")
    }

    // MARK: ISO 8601

    /// `2023-03-15` (that day at 00:00 in `zone`), or a date-time with or
    /// without an offset (`2023-03-15T09:30:00Z`, `2023-03-15 09:30:00+02:00`).
    static func readISO(_ text: String, zone: Zone) throws(FunctionError) -> Instant {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for form in ["yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            guard let format = try? DateFormat(form) else { continue }
            // An offset at the end is the value's own zone.
            for (rest, offset) in Zone.trailingOffsets(of: trimmed) {
                let candidate = rest.replacingOccurrences(of: " ", with: "T")
                guard let fields = try? format.fields(of: candidate) else { continue }
                return try (offset ?? zone).instant(fields, argument: 0, function: "date")
            }
        }
        throw FunctionError(
            argument: 0, "date: \"\(text.prefix(40))\" is not an ISO 8601 date",
            hint: "ISO dates look like 2023-03-15 or 2023-03-15T09:30:00Z; for another form give its format: date(x, \"MM/dd/yyyy\")")
    }
}

/// A moment, in milliseconds since 1970-01-01T00:00:00Z.
struct Instant {
    var milliseconds: Int64

    /// `2023-03-15T00:00:00.000Z`: milliseconds and `Z`, as the service writes its own timestamps.
    var iso8601: String { Timestamp(millisecondsSince1970: milliseconds).iso8601 }
}

/// Days and the proleptic Gregorian calendar, without Foundation's
/// leniency: the client core's own arithmetic (Timestamp), under the names
/// the date functions read best with.
enum CivilDate {
    static func daysIn(month: Int64, year: Int64) -> Int64 { Timestamp.daysIn(month: month, year: year) }

    static func days(year: Int64, month: Int64, day: Int64) -> Int64 { Timestamp.days(fromCivil: year, month, day) }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
}

/// The fields a date format read from a value.
struct DateFields {
    var year: Int64 = 1970
    var month: Int64 = 1
    var day: Int64 = 1
    var hour: Int64 = 0
    var minute: Int64 = 0
    var second: Int64 = 0
    var millisecond: Int64 = 0

    var localMilliseconds: Int64 {
        ((CivilDate.days(year: year, month: month, day: day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    var described: String {
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute))"
    }
}

/// Where a value without an offset is read: UTC, a fixed offset, or a named
/// zone whose offset changes (daylight saving).
struct Zone {
    let timeZone: TimeZone
    let name: String

    static let utc = Zone(timeZone: TimeZone(identifier: "UTC")!, name: "UTC")

    private init(timeZone: TimeZone, name: String) {
        self.timeZone = timeZone
        self.name = name
    }

    /// `UTC`, `Z`, `+05:30`, `-0800`, or an IANA name (`Europe/Berlin`).
    init(_ text: String, argument: Int) throws(FunctionError) {
        if text == "Z" || text.uppercased() == "UTC" {
            self = .utc
        } else if let seconds = Self.offsetSeconds(text), let zone = TimeZone(secondsFromGMT: seconds) {
            self.init(timeZone: zone, name: text)
        } else if text.contains("/"), let zone = TimeZone(identifier: text) {
            self.init(timeZone: zone, name: text)
        } else {
            throw FunctionError(
                argument: argument, "date: ZONE \"\(text.prefix(40))\" is not a time zone",
                hint: "give UTC, an offset such as +05:30, or a zone name such as Europe/Berlin or America/New_York")
        }
    }

    /// `+05:30` or `-0800` in seconds east of UTC.
    static func offsetSeconds(_ text: String) -> Int? {
        let digits = text.dropFirst().filter { $0 != ":" }
        guard let sign = text.first, sign == "+" || sign == "-", digits.count == 4, digits.allSatisfy(\.isASCII),
            let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours < 24, minutes < 60
        else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// The ways `text` may end in an offset (`Z`, `+02:00`): the text before
    /// it and that offset as a zone; last, the whole text with no offset.
    static func trailingOffsets(of text: String) -> [(String, Zone?)] {
        var forms: [(String, Zone?)] = []
        if text.hasSuffix("Z") || text.hasSuffix("z") { forms.append((String(text.dropLast()), .utc)) }
        for length in [6, 5] where text.count > length {
            let tail = String(text.suffix(length))
            if let seconds = offsetSeconds(tail), let zone = TimeZone(secondsFromGMT: seconds) {
                forms.append((String(text.dropLast(length)), Zone(timeZone: zone, name: tail)))
            }
        }
        forms.append((text, nil))
        return forms
    }

    func instant(_ fields: DateFields, argument: Int, function: String) throws(FunctionError) -> Instant {
        try instant(localMilliseconds: fields.localMilliseconds, argument: argument, function: function, described: fields.described)
    }

    /// The moment a wall-clock time in this zone stands for. A time the
    /// clocks skipped (spring forward) or showed twice (fall back) is an
    /// error: any one answer would be a guess.
    func instant(
        localMilliseconds local: Int64, argument: Int, function: String, described: String? = nil
    ) throws(FunctionError) -> Instant {
        // The offsets around this wall time; each that maps back to it is a reading.
        let offsets = Set(
            [-86_400_000, 0, 86_400_000].map { shift in
                Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local + shift) / 1000))) * 1000
            })
        let readings = offsets.filter { offset in
            Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - offset) / 1000))) * 1000 == offset
        }.map { Instant(milliseconds: local - $0) }
        let when = described ?? Instant(milliseconds: local).iso8601.dropLast(5).replacingOccurrences(of: "T", with: " ")
        if readings.isEmpty {
            throw FunctionError(
                argument: argument, "\(function): \(when) does not exist in \(name): the clocks moved forward over it",
                hint: "check the value; a time given with its offset (+01:00) or in UTC is never skipped")
        }
        if readings.count > 1 {
            throw FunctionError(
                argument: argument, "\(function): \(when) happens twice in \(name): the clocks went back over it",
                hint: "pushsh does not guess which; give the value with its offset (+01:00) or in UTC")
        }
        return readings[0]
    }
}

/// A date format such as `MM/dd/yyyy` (see `DateFormatSyntax`), reading values.
struct DateFormat {
    typealias Piece = DateFormatSyntax.Piece

    let text: String
    let pieces: [Piece]

    init(_ text: String) throws(FunctionError) {
        self.text = text
        switch DateFormatSyntax.pieces(of: text) {
        case .success(let pieces): self.pieces = pieces
        case .failure(let problem): throw FunctionError(argument: 1, problem.message, hint: problem.hint)
        }
    }

    /// Reads `value` in `zone`, refusing any field out of range.
    func read(_ value: String, zone: Zone) throws(FunctionError) -> Instant {
        try zone.instant(try fields(of: value), argument: 0, function: "date")
    }

    /// The fields of `value`; an error names the value, the format and the field.
    func fields(of value: String) throws(FunctionError) -> DateFields {
        do { return try readFields(value) } catch {
            throw FunctionError(
                argument: 0, "date: \"\(value.prefix(40))\" does not fit the format \"\(text)\": \(error.message)", hint: error.hint)
        }
    }

    private func readFields(_ value: String) throws(FunctionError) -> DateFields {
        var fields = DateFields()
        var rest = Substring(value)
        var pm: Bool?
        var hour12: Int64?
        func digits(_ piece: Piece, _ range: ClosedRange<Int>) throws(FunctionError) -> (Int64, Int) {
            let run = rest.prefix { $0.isASCII && $0.isNumber }.prefix(range.upperBound)
            guard run.count >= range.lowerBound, let number = Int64(run) else {
                throw problem("expected \(name(of: piece)) at \"\(rest.prefix(12))\"")
            }
            rest = rest.dropFirst(run.count)
            return (number, run.count)
        }
        for piece in pieces {
            switch piece {
            case .literal(let c):
                guard rest.first == c else {
                    throw problem(rest.isEmpty ? "it ends where '\(c)' should follow" : "expected '\(c)' at \"\(rest.prefix(12))\"")
                }
                rest = rest.dropFirst()
            case .year4:
                let run = rest.prefix { $0.isASCII && $0.isNumber }
                if run.count == 2 {
                    throw problem(
                        "\(run) is a two-digit year, and the format says yyyy",
                        hint: "pushsh does not guess the century; if the file writes two digits, say so: yy")
                }
                fields.year = try digits(piece, 4...4).0
                guard fields.year >= 1 else { throw problem("0000 is not a year") }
            case .year2:
                // As strptime's %y (POSIX): 69–99 are 1969–1999, 00–68 are 2000–2068.
                let year = try digits(piece, 2...2).0
                fields.year = year >= 69 ? 1900 + year : 2000 + year
            case .month: fields.month = try digits(piece, 1...2).0
            case .day: fields.day = try digits(piece, 1...2).0
            case .hour24: fields.hour = try digits(piece, 1...2).0
            case .hour12: hour12 = try digits(piece, 1...2).0
            case .minute: fields.minute = try digits(piece, 1...2).0
            case .second: fields.second = try digits(piece, 1...2).0
            case .fraction:
                let (number, count) = try digits(piece, 1...6)
                fields.millisecond = number * Int64(pow(10.0, Double(6 - count))) / 1000
            case .meridiem:
                let word = rest.prefix(2).uppercased()
                guard word == "AM" || word == "PM" else { throw problem("expected AM or PM at \"\(rest.prefix(12))\"") }
                pm = word == "PM"
                rest = rest.dropFirst(2)
            }
        }
        guard rest.isEmpty else { throw problem("\"\(rest.prefix(20))\" follows the date", hint: "the format ends before the value does") }
        if let hour12, let pm {
            guard (1...12).contains(hour12) else {
                throw problem(
                    "\(hour12) cannot be an hour on a 12-hour clock", hint: "hh goes from 1 to 12; 24-hour times are read with HH")
            }
            fields.hour = hour12 % 12 + (pm ? 12 : 0)
        }
        try check(fields)
        return fields
    }

    private func check(_ f: DateFields) throws(FunctionError) {
        guard (1...12).contains(f.month) else {
            let swapped = swappedFormat
            let canSwap = swapped != nil && (1...12).contains(f.day)
            throw problem(
                "\(f.month) cannot be a month",
                hint: canSwap ? "did you mean \(swapped!)? (day and month the other way round)" : "months go from 1 to 12")
        }
        let last = CivilDate.daysIn(month: f.month, year: f.year)
        guard (1...last).contains(f.day) else {
            let monthName = CivilDate.monthNames[Int(f.month) - 1]
            let leap = f.month == 2 && f.day == 29 ? " (\(f.year) is not a leap year)" : ""
            throw problem(
                f.day == 0 ? "0 cannot be a day" : "\(monthName) \(f.year) has no day \(f.day)\(leap)",
                hint: "check the value; pushsh never moves a date into the next month")
        }
        guard f.hour < 24 else { throw problem("\(f.hour) cannot be an hour", hint: "hours go from 0 to 23") }
        guard f.minute < 60 else { throw problem("\(f.minute) cannot be a minute", hint: "minutes go from 0 to 59") }
        guard f.second < 60 else { throw problem("\(f.second) cannot be a second", hint: "seconds go from 0 to 59") }
    }

    /// This format with day and month swapped (`MM/dd/yyyy` → `dd/MM/yyyy`), when it has both.
    var swappedFormat: String? {
        guard text.contains("MM"), text.contains("dd") else { return nil }
        return text.replacingOccurrences(of: "MM", with: "\u{0}").replacingOccurrences(of: "dd", with: "MM")
            .replacingOccurrences(of: "\u{0}", with: "dd")
    }

    private func name(of piece: Piece) -> String {
        switch piece {
        case .year4: "a four-digit year (yyyy)"
        case .year2: "a two-digit year (yy)"
        case .month: "a month (MM)"
        case .day: "a day (dd)"
        case .hour24: "an hour (HH)"
        case .hour12: "an hour (hh)"
        case .minute: "minutes (mm)"
        case .second: "seconds (ss)"
        case .fraction: "a fraction of a second (SSS)"
        case .meridiem: "AM or PM"
        case .literal(let c): "'\(c)'"
        }
    }

    private func problem(_ what: String, hint: String? = nil) -> FunctionError {
        FunctionError(argument: 0, what, hint: hint)
    }
}

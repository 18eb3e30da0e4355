import PushAPI
import PushSyntax
import Testing

/// `pushsh check` passes a time in `activity since "..."` exactly when the run
/// can read it: the checker's `TimestampText.isValid` (the language front end,
/// which cannot see the client core) accepts the same texts as the client
/// core's `Timestamp(iso8601:)`, the reader the run uses.
@Suite struct TimestampAgreementTests {
    static func agree(_ text: String) -> Bool {
        TimestampText.isValid(text) == (Timestamp(iso8601: text) != nil)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
    }

    /// The forms RFC 3339 and people write, and the mistakes that look like them.
    @Test func onTheFormsPeopleWrite() {
        let accepted = [
            "2026-01-31T09:00:00Z", "2026-01-31T09:00:00.401Z", "2026-01-31t09:00:00z", "2026-01-31 09:00:00Z",
            "2026-01-31T09:00Z", "2026-01-31T09:00:00+01:00", "2026-01-31T09:00:00+0100", "2026-01-31T09:00:00-05:30",
            "2026-01-31T09:00:00,5Z", "2026-01-31T09:00:00.123456789Z", "2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
            "2026-06-30T23:59:60Z",
        ]
        let refused = [
            "", "yesterday", "2026-01-31", "2026-01-31T09:00:00", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-01-00T00:00:00Z", "2026-01-31T24:00:00Z", "2026-01-31T09:60:00Z", "2026-01-31T09:00:61Z",
            "2026-01-31T09:00:00.Z", "2026-01-31T09:00:00+24:00", "2026-01-31T09:00:00+01:60", "2026-01-31T09:00:00+01",
            "2026-01-31T09:00:00+1:00", "2026-01-31T09:00:00Zx", " 2026-01-31T09:00:00Z", "2026-1-31T09:00:00Z",
            "01/03/2023", "2026-01-31T09:00:00.5",
        ]
        for text in accepted {
            #expect(TimestampText.isValid(text), "check refuses '\(text)'")
            #expect(Timestamp(iso8601: text) != nil, "the run refuses '\(text)'")
        }
        for text in refused {
            #expect(!TimestampText.isValid(text), "check accepts '\(text)'")
            #expect(Timestamp(iso8601: text) == nil, "the run accepts '\(text)'")
        }
    }

    /// Every month 00 to 13 and day 00 to 32 of years with and without a 29 February.
    @Test func onEveryDayOfTheCalendar() {
        var accepted = 0
        for year in [0, 1900, 2000, 2023, 2024, 9999] {
            for month in 0...13 {
                for day in 0...32 {
                    let text = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T12:00:00Z"
                    #expect(Self.agree(text), "'\(text)'")
                    if TimestampText.isValid(text) { accepted += 1 }
                }
            }
        }
        // 365 or 366 days a year: 0, 2000 and 2024 are leap years, 1900, 2023 and 9999 are not.
        #expect(accepted == 3 * 366 + 3 * 365)
    }

    /// Every hour, minute and second to just past its end, and offsets with and without a colon.
    @Test func onEveryTimeOfDayAndOffset() {
        for hour in 0...25 {
            for minute in [0, 1, 30, 59, 60, 61, 99] {
                for second in [0, 59, 60, 61, 99] {
                    let text = "2026-01-31T\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))Z"
                    #expect(Self.agree(text), "'\(text)'")
                }
            }
        }
        for sign in ["+", "-"] {
            for hours in 0...25 {
                for minutes in [0, 30, 59, 60, 99] {
                    for colon in ["", ":"] {
                        let text = "2026-01-31T09:00:00\(sign)\(Self.pad(hours, 2))\(colon)\(Self.pad(minutes, 2))"
                        #expect(Self.agree(text), "'\(text)'")
                    }
                }
            }
        }
    }

    /// Each of a few good times with one character changed, dropped or added anywhere, and each of its prefixes,
    /// over the characters a time is made of, in a fixed order so that a failure repeats.
    @Test func onEveryOneCharacterSlipOfAGoodTime() {
        let seeds = [
            "2026-01-31T09:00:00Z", "2026-01-31T09:00:00.401Z", "2026-01-31 09:00+01:00", "2024-02-29t23:59:60,5-0530",
        ]
        let alphabet = Array("0123569-:Tt Zz+.,x")
        var texts: [String] = []
        for seed in seeds {
            let characters = Array(seed)
            for index in 0...characters.count {
                texts.append(String(characters[..<index]))
                for letter in alphabet { texts.append(String(characters[..<index] + [letter] + characters[index...])) }
                guard index < characters.count else { continue }
                texts.append(String(characters[..<index] + characters[(index + 1)...]))
                for letter in alphabet where letter != characters[index] {
                    var changed = characters
                    changed[index] = letter
                    texts.append(String(changed))
                }
            }
        }
        var accepted = 0
        for text in texts {
            #expect(
                Self.agree(text),
                "'\(text)': check says \(TimestampText.isValid(text)), the run \(Timestamp(iso8601: text).map(\.iso8601) ?? "nil")")
            if TimestampText.isValid(text) { accepted += 1 }
        }
        // The corpus holds both verdicts, so that agreeing is not agreeing on "no" alone.
        #expect(accepted > 50 && accepted < texts.count - 500, "\(accepted) of \(texts.count) accepted")
    }
}

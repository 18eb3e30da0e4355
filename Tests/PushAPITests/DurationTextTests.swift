import PushAPI
import Testing

/// The one duration type's two forms: exact (`format`, read back by `parse`)
/// and for people (`human`, in messages and ETAs).
@Suite struct DurationTextTests {
    @Test(
        arguments: [
            (0, "0s"), (120, "120ms"), (999, "999ms"), (1000, "1s"), (1500, "1.5s"), (1449, "1.4s"), (59_940, "59.9s"),
            (59_960, "60s"), (60_000, "1m"), (78_000, "1m 18s"), (3_600_000, "1h"), (3_720_000, "1h 2m"),
            (3_599_999, "59m 59s"), (172_800_000, "2d"), (277_200_000, "3d 5h"),
        ] as [(Int64, String)])
    func humanRoundsToWhatMattersAtThatSize(_ milliseconds: Int64, _ text: String) {
        #expect(DurationText.human(.milliseconds(milliseconds)) == text)
    }

    @Test func formatIsExactAndReadsBack() {
        for ms: Int64 in [1, 999, 1500, 60_000, 90_000, 3_600_000, 86_400_000, 123_456_789] {
            let text = DurationText.format(.milliseconds(ms))
            #expect(DurationText.parse(text) == .milliseconds(ms), "\(text)")
        }
    }

    @Test func parseTakesTheLanguagesFormsOnly() {
        #expect(DurationText.parse(" 30s ") == .seconds(30))
        #expect(DurationText.parse("1.5m") == .seconds(90))
        #expect(DurationText.parse("1e3ms") == .seconds(1))
        #expect(DurationText.parse("2H") == nil)
        // Forms Double(_:) took that the language does not: written as the lexer would refuse them.
        for text in ["5 s", "+5s", ".5s", "5.s", "0x10s", "infs", "nans", "-5s", "5", "s", "5sec", "5s!"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
    }

    /// Too large to count in milliseconds: nil, where it used to trap in `Int64(_:)`.
    @Test func parseRefusesWhatDoesNotFit() {
        #expect(DurationText.parse("1e300s") == nil)
        #expect(DurationText.parse("9999999999999999999d") == nil)
        #expect(DurationText.parse("106751991168d") == nil)  // one day past Int64 milliseconds
        #expect(DurationText.parse("106751991d") == .milliseconds(106_751_991 * 86_400_000))
    }
}

import Testing

@testable import PushAPI

@Suite struct TimestampTests {
    @Test(arguments: ["2025-10-31T16:38:14.401Z", "1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z", "1969-12-31T23:59:59.001Z"])
    func millisecondsRoundTripExactly(text: String) throws {
        let t = try #require(Timestamp(iso8601: text))
        #expect(t.iso8601 == text)
    }

    @Test func knownInstant() {
        #expect(Timestamp(iso8601: "2025-10-31T16:38:14.401Z")?.millisecondsSince1970 == 1_761_928_694_401)
    }

    @Test func offsetsAndShortFormsAreRead() {
        #expect(Timestamp(iso8601: "2022-01-15T09:00:00Z")?.iso8601 == "2022-01-15T09:00:00.000Z")
        #expect(Timestamp(iso8601: "2022-01-15T14:30:00+05:30")?.iso8601 == "2022-01-15T09:00:00.000Z")
        #expect(Timestamp(iso8601: "2022-01-15T09:00:00.123456Z")?.iso8601 == "2022-01-15T09:00:00.123Z")
        #expect(Timestamp(iso8601: "2022-01-15T09:00Z")?.iso8601 == "2022-01-15T09:00:00.000Z")
    }

    @Test(arguments: [
        "2022-01-15", "2022-13-01T00:00:00Z", "2022-02-30T00:00:00Z", "2022-01-15T09:00:00", "yesterday", "2022-01-15T25:00:00Z", "",
    ])
    func invalidDateTimesAreRefused(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test func durationsAreParsedAndFormatted() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("2s") == .seconds(2))
        #expect(DurationText.parse("1.5m") == .seconds(90))
        #expect(DurationText.parse("60m") == .seconds(3600))
        // A bare number is not a duration anywhere (help durations: write 10s).
        #expect(DurationText.parse("10") == nil)
        #expect(DurationText.isBareNumber("10"))
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.format(.seconds(3600)) == "1h")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
    }

    /// What a person reads of a wait (a Retry-After date leaves odd
    /// milliseconds): whole seconds, whole minutes from ten minutes, never less.
    @Test func durationsAreRoundedUpForPeople() {
        #expect(DurationText.formatRoughly(.milliseconds(3_599_710)) == "1h")
        #expect(DurationText.formatRoughly(.milliseconds(3_609_710)) == "61m")
        #expect(DurationText.formatRoughly(.milliseconds(1873)) == "2s")
        #expect(DurationText.formatRoughly(.milliseconds(89_001)) == "90s")
        #expect(DurationText.formatRoughly(.seconds(120)) == "2m")
        #expect(DurationText.formatRoughly(.milliseconds(600_001)) == "11m")
        #expect(DurationText.formatRoughly(.milliseconds(1)) == "1s")
        #expect(DurationText.formatRoughly(.zero) == "0s")
        // What is suggested can be typed back: `set retry_for 61m`.
        #expect(DurationText.parse(DurationText.formatRoughly(.milliseconds(3_609_710))) == .seconds(3660))
    }
}

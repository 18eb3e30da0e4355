import PushSyntax
import Testing

/// One padding rule for every column pushsh lays out.
@Suite struct TextPaddingTests {
    @Test func padsToTheWidthInCharactersAndNeverCuts() {
        #expect("ab".padded(to: 5) == "ab   ")
        #expect("ab".rightAligned(to: 5) == "   ab")
        #expect("abcdef".padded(to: 3) == "abcdef")
        #expect("abcdef".rightAligned(to: 3) == "abcdef")
        #expect("".padded(to: 2) == "  ")
        #expect("é✓".padded(to: 4).count == 4)
        #expect("ab".padded(to: -1) == "ab")
    }

    /// The help overview's summaries start in one column whatever the names'
    /// lengths; a summary too long for 80 columns goes on under its own start.
    @Test func theHelpOverviewKeepsItsColumns() {
        let lines = CommandCatalog.overview.split(separator: "\n").map(String.init)
        var starts: [Int] = []
        for command in CommandCatalog.commands {
            guard let at = lines.firstIndex(where: { $0.hasPrefix("  \(command.name) ") }) else {
                Issue.record("no overview line for \(command.name)")
                continue
            }
            let start = 2 + command.name.count + lines[at].dropFirst(2 + command.name.count).prefix { $0 == " " }.count
            // The summary is this line's text and the lines under it that start in its column.
            let under = lines[(at + 1)...].prefix { $0.prefix(start).allSatisfy { $0 == " " } && $0.count > start }
            let shown = ([lines[at]] + under).map { String($0.dropFirst(start)) }.joined(separator: " ")
            #expect(shown == command.summary, "\(command.name)")
            starts.append(start)
        }
        #expect(starts.count == CommandCatalog.commands.count)
        #expect(Set(starts).count == 1, "summaries start in columns \(Set(starts).sorted())")
    }
}

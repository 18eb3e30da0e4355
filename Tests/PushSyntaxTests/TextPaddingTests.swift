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

    /// The help overview's summaries start in one column whatever the names' lengths.
    @Test func theHelpOverviewKeepsItsColumns() {
        let lines = CommandCatalog.overview.split(separator: "\n").map(String.init)
        var starts: [Int] = []
        for command in CommandCatalog.commands {
            let line = lines.first { $0.hasPrefix("  \(command.name) ") && $0.hasSuffix("  " + command.summary) }
            #expect(line != nil, "no overview line for \(command.name)")
            if let line { starts.append(line.count - command.summary.count) }
        }
        #expect(starts.count == CommandCatalog.commands.count)
        #expect(Set(starts).count == 1, "summaries start in columns \(Set(starts).sorted())")
    }
}

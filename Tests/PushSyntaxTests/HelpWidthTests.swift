import Testing

@testable import PushSyntax

/// Help at 80x24, as the first hour of issue 21 had it: the overview's and
/// every page's definition lists fit 80 columns (wrapped under their text),
/// not wrapped by the terminal at column 80 mid-word (`or an` / `y base URL`).
struct HelpWidthTests {
    static let width = TextFlow.lineWidth(forTerminalColumns: 80)

    @Test func theOverviewFitsEightyColumns() {
        let fitted = TextFlow.reflow(CommandCatalog.overview, width: Self.width)
        let long = fitted.split(separator: "\n").filter { $0.count > Self.width }
        #expect(long.isEmpty, "\(long.map { String($0) })")
        // Wrapped under the text, not under the command name.
        #expect(
            fitted.contains("  connect      choose the service: the built-in sandbox, a Sprinto region, or\n               any base URL"),
            "\(fitted)")
    }

    @Test func everyPagesListsFitEightyColumns() throws {
        for word in CommandCatalog.helpWords {
            let text = try #require(CommandCatalog.helpText(for: word))
            let fitted = TextFlow.reflow(text, width: Self.width)
            let long = fitted.split(separator: "\n").filter { $0.count > Self.width }
            #expect(long.isEmpty, "help \(word) at 80 columns: \(long.map { String($0) })")
        }
    }

    @Test func aListingLineIsWrappedUnderItsTextAndCodeIsNot() {
        #expect(
            TextFlow.fitListing("  connect      choose the service: the built-in sandbox or any base URL", width: 40)
                == ["  connect      choose the service: the", "               built-in sandbox or any", "               base URL"])
        let code = "  push s User from \"examples/data/employees.jsonl\" map email to workEmail"
        #expect(
            TextFlow.fitListing("  len(X)   the number of elements of an array or keys", width: 40)
                == ["  len(X)   the number of elements of an", "           array or keys"])
        #expect(TextFlow.fitListing(Substring(code), width: 40) == [code])
    }
}

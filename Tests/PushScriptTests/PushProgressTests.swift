import Foundation
import PushSyntax
import Testing

@testable import PushScript

/// The progress line a long push redraws on a terminal must fit the
/// terminal: wider, it wraps, the `\r` that redraws it returns only to the
/// start of its last row, and the rest stays on screen (seen at 80x24 while
/// pushing the README's 120 employees).
struct PushProgressTests {
    /// Each drawing: what follows the `\r` and clear-line that start it.
    func drawings(_ errors: String) -> [String] {
        errors.components(separatedBy: TerminalStyle.clearLine).filter { !$0.isEmpty }
    }

    @Test(arguments: [80, 60, 40, 120])
    func theRedrawnLineFitsTheTerminal(columns: Int) {
        let captured = CapturedOutput()
        var progress = PushProgress(output: captured, totalRecords: 1_234_567, mode: .redraw, columns: columns)
        progress.update(records: 20, pages: 1, bytes: 4000, inFlight: 1)
        progress.update(records: 1_234_567, pages: 12_346, bytes: 1_234_567_890, inFlight: 16)
        let lines = drawings(captured.errors)
        #expect(lines.count == 2, "\(captured.errors)")
        for line in lines {
            #expect(line.count < columns, "\(line.count) columns on a terminal \(columns) wide: \(line)")
            #expect(line.contains("records"), "\(line)")
        }
    }

    /// Where it fits, the line is whole: the bar and the status.
    @Test func aWideTerminalGetsTheBarAndEveryField() {
        let captured = CapturedOutput()
        var progress = PushProgress(output: captured, totalRecords: 120, mode: .redraw, columns: 200)
        progress.update(records: 20, pages: 1, bytes: 4000, inFlight: 1)
        let line = drawings(captured.errors).first ?? ""
        #expect(line.hasPrefix("  [###.................] 20/120 records, 1 pages (1 in flight), 4 kB, "), "\(line)")
        #expect(line.contains(", ETA "), "\(line)")
    }
}

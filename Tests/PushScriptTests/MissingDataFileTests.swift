import Foundation
import Testing
import _PushTestSupport

@testable import PushScript

/// A data file that is not there, named by a path only the run knows: the
/// push names the file in that folder it most likely meant (issue 21, item 5).
@Suite struct MissingDataFileTests {
    @Test func aComputedPathThatIsNotThereGetsTheLikelyName() async throws {
        let folder = try ScratchFolder("missing")
        _ = try folder.write("employees.jsonl", "")
        let run = await runScript("let p = \"\(folder.path)/employes.jsonl\"\nlet s = start\npush s User from p\n")
        #expect(run.code != 0)
        #expect(
            run.stderr.contains("employes.jsonl does not exist (did you mean employees.jsonl? looked in \(folder.path)/)"),
            "\(run.stderr)")
        // Nothing like it: the plain message.
        let other = await runScript("let p = \"\(folder.path)/payroll.csv\"\nlet s = start\npush s User from p\n")
        #expect(other.stderr.contains("payroll.csv does not exist; nothing was sent"), "\(other.stderr)")
    }
}

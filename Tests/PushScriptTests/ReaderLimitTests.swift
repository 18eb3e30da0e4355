import Foundation
import PushAPI
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// The readers' bounds, each seen through its error: a record over the page
/// limit (refused at once, and the records after it still read), a header
/// over the column limit, nesting outside the records, the problem cap.
@Suite struct ReaderLimitTests {
    let folder: ScratchFolder

    init() throws { folder = try ScratchFolder("limits") }

    func write(_ name: String, _ text: String) throws -> String { try folder.write(name, text) }

    let small = RecordLimits(recordBytes: 1000)
    var big: String { String(repeating: "x", count: 5000) }

    @Test(arguments: [ByteChunks.chunkSize, 100])
    func aJSONRecordOverTheLimitIsRefusedAndReadPast(chunkSize: Int) throws {
        let path = try write("big.json", "[{\"a\":1},\n  {\"big\": \"\(big)\", \"n\": [[{}]]},\n{\"b\":2}]")
        let outcome = ReaderOutcome.read(path, limits: small, chunkSize: chunkSize)
        #expect(outcome.problems.count == 1)
        #expect(outcome.problems.first?.line == 2 && outcome.problems.first?.column == 3)
        #expect(outcome.problems.first?.message.contains("the record is more than 1000 bytes: larger than a page may be") == true)
        #expect(outcome.values == [["a": 1], ["b": 2]])
    }

    @Test func aValueOutsideTheRecordsOverTheLimitIsRefused() throws {
        let path = try write("envelope.json", "{\"x\": \"\(big)\", \"entities\": {\"User\": [{\"a\":1}]}}")
        let outcome = ReaderOutcome.read(path, limits: small, chunkSize: 64)
        #expect(outcome.problems.first?.message.contains("a value outside the records is more than 1000 bytes") == true)
    }

    @Test(arguments: [ByteChunks.chunkSize, 100])
    func aJSONLinesLineOverTheLimitIsRefusedAndReadPast(chunkSize: Int) throws {
        let path = try write("big.jsonl", "{\"a\":1}\n{\"big\": \"\(big)\"}\n{\"b\":2}\n")
        let outcome = ReaderOutcome.read(path, limits: small, chunkSize: chunkSize)
        #expect(outcome.problems.map(\.line) == [2])
        #expect(outcome.problems.first?.message.contains("the record is more than 1000 bytes") == true)
        #expect(outcome.values == [["a": 1], ["b": 2]])
    }

    @Test(arguments: [ByteChunks.chunkSize, 100])
    func aCSVRowOverTheLimitIsRefusedAndReadPast(chunkSize: Int) throws {
        let path = try write("big.csv", "a,b\n1,2\n3,\"\(big)\nstill the same field\"\n5,6\n")
        let outcome = ReaderOutcome.read(path, limits: small, chunkSize: chunkSize)
        #expect(outcome.problems.map(\.line) == [3])
        #expect(outcome.problems.first?.message.contains("the row is more than 1000 bytes") == true)
        #expect(outcome.values == [["a": "1", "b": "2"], ["a": "5", "b": "6"]])
    }

    @Test func aCSVHeaderOverTheColumnLimitIsRefused() throws {
        let wide = (1...10_001).map { "c\($0)" }.joined(separator: ",")
        let outcome = ReaderOutcome.read(try write("wide.csv", wide + "\n" + wide + "\n"))
        #expect(outcome.problems.first?.message == "the header has more than 10000 columns")
        let fits = (1...10_000).map { "c\($0)" }.joined(separator: ",")
        let read = ReaderOutcome.read(try write("fits.csv", fits + "\n" + fits + "\n"))
        #expect(read.problems.isEmpty && read.records.count == 1)
    }

    /// The depth limit counts the containers around the records, as the core parser does for the whole document.
    @Test func nestingIsLimitedOutsideTheRecordsAsInside() throws {
        func nested(_ n: Int) -> String { String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        let outside = try write("outside.json", "{\"x\": \(nested(600)), \"entities\": {\"User\": [{\"a\":1}]}}")
        #expect(ReaderOutcome.read(outside).problems.first?.message == "nesting deeper than 512 levels")
        // 512 levels in all are allowed: the envelope's 3, the record and 508 inside it.
        let deepest = "{\"entities\": {\"User\": [{\"a\": \(nested(508))}]}}"
        #expect(ReaderOutcome.read(try write("deepest.json", deepest)).problems.isEmpty)
        #expect((try? JSONValue(parsing: deepest)) != nil)
        let deeper = "{\"entities\": {\"User\": [{\"a\": \(nested(509))}]}}"
        #expect(ReaderOutcome.read(try write("deeper.json", deeper)).problems.first?.message == "nesting deeper than 512 levels")
        #expect((try? JSONValue(parsing: deeper)) == nil)
    }

    /// The 10,000th problem stops the check pass: the rest of the file is not read.
    @Test func theProblemCapStopsTheReading() async throws {
        let path = try write("bad.jsonl", String(repeating: "[1]\n", count: 30_000))
        let run = await runScript("let s = start\npush s User from \"\(path)\"\n")
        #expect(run.code == 2)
        #expect(run.stderr.contains("10000 problems; nothing was sent"), "\(run.stderr.prefix(300))")
        #expect(run.stderr.contains("… and 9980 more problems"))
    }

    /// The check pass sizes records with `page_bytes`, and the reader refuses a record over it as soon as it sees it.
    @Test func pageBytesSetsTheRecordLimit() async throws {
        let path = try write("big.jsonl", "{\"employeeId\": \"\(String(repeating: "x", count: 3000))\"}\n")
        let run = await runScript("set page_bytes 2048\nlet s = start\npush s User from \"\(path)\"\n")
        #expect(run.code == 2)
        #expect(run.stderr.contains("big.jsonl:1: the record is more than 2048 bytes"), "\(run.stderr)")
    }
}

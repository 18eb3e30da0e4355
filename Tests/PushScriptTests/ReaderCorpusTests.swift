import Foundation
import PushAPI
import PushSyntax
import Testing

@testable import PushScript

/// What a reader made of a whole file: its records, problems and warnings, in order.
struct ReaderOutcome {
    var records: [FileRecord] = []
    var problems: [RecordProblem] = []
    var warnings: [RecordProblem] = []

    var values: [JSONValue] { records.compactMap { try? JSONValue(parsing: $0.json) } }

    /// Reads `path` to its end as the check pass does (a thrown problem ends it).
    static func read(
        _ path: String, format: PushFormat? = nil, type: String = "User", limits: RecordLimits = RecordLimits(),
        csv: CSVOptions = CSVOptions(), chunkSize: Int = ByteChunks.chunkSize
    ) -> ReaderOutcome {
        var outcome = ReaderOutcome()
        do {
            let chunks = try ByteChunks(path: path, chunkSize: chunkSize)
            var stream: any RecordStream
            switch format ?? RecordSource.format(for: path, given: nil) ?? .json {
            case .json: stream = JSONArrayStream(chunks: chunks, entityType: type, renames: FieldRenames(renames: [:]), limits: limits)
            case .jsonl: stream = JSONLinesStream(chunks: chunks, renames: FieldRenames(renames: [:]), limits: limits)
            case .csv: stream = try CSVStream(chunks: chunks, renames: FieldRenames(renames: [:]), limits: limits, options: csv)
            }
            while let item = try stream.next() {
                switch item {
                case .record(let record): outcome.records.append(record)
                case .problem(let problem): outcome.problems.append(problem)
                case .warning(let warning): outcome.warnings.append(warning)
                }
            }
        } catch {
            outcome.problems.append(error)
        }
        return outcome
    }
}

/// Every file of `Tests/ReaderCorpus/` gets the verdict `cases.txt` gives it:
/// accepted with its number of records, or refused at the expected line with
/// the expected words. The same files are read again in chunks of a few bytes,
/// so no token, record or byte order mark is misread where a read ends.
@Suite struct ReaderCorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ReaderCorpus")

    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var accept: Int?
        var warnings = 0
        var line = 0
        var text = ""
        var setting: String?

        var testDescription: String { file }

        var options: CSVOptions {
            var options = CSVOptions()
            switch setting {
            case "csv_quotes lenient": options.lenientQuotes = true
            case "csv_trim on": options.trimHeader = true
            case "csv_duplicates rename": options.renameDuplicates = true
            default: break
            }
            return options
        }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("cases.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Case? in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.components(separatedBy: " | ")
            guard parts.count >= 2 else { return nil }
            let verdict = parts[1].split(separator: " ")
            var c = Case(file: parts[0])
            if verdict.first == "accept" {
                c.accept = Int(verdict[1])
                if verdict.count == 4 { c.warnings = Int(verdict[3]) ?? -1 }
                c.setting = parts.count > 2 ? parts[2] : nil
            } else {
                c.line = Int(verdict[1]) ?? -1
                c.text = parts.count > 2 ? parts[2] : ""
                c.setting = parts.count > 3 ? parts[3] : nil
            }
            return c
        }
    }()

    @Test(arguments: cases)
    func verdict(_ c: Case) throws {
        let path = Self.directory.appendingPathComponent(c.file).path
        for chunkSize in [ByteChunks.chunkSize, 1, 3, 7] {
            let outcome = ReaderOutcome.read(path, csv: c.options, chunkSize: chunkSize)
            if let count = c.accept {
                #expect(outcome.problems.isEmpty, "\(c.file) (chunks of \(chunkSize)): \(outcome.problems)")
                #expect(outcome.records.count == count, "\(c.file) (chunks of \(chunkSize))")
                #expect(outcome.warnings.count == c.warnings, "\(c.file): \(outcome.warnings)")
                for record in outcome.records {
                    let value = try JSONValue(parsing: record.json)
                    #expect(value.objectValue != nil, "\(c.file): a record that is not an object")
                }
            } else {
                let first = try #require(outcome.problems.first, "\(c.file) was accepted (\(outcome.records.count) records)")
                #expect(first.line == c.line, "\(c.file) (chunks of \(chunkSize)): \(first)")
                #expect(first.message.contains(c.text), "\(c.file): \(first.message)")
            }
        }
    }

    @Test func everyFileHasACase() throws {
        #expect(Self.cases.count >= 100)
        let listed = Set(Self.cases.map(\.file))
        for folder in ["json", "jsonl", "csv"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.directory.appendingPathComponent(folder).path) {
                #expect(listed.contains("\(folder)/\(name)"), "\(folder)/\(name) has no line in cases.txt")
            }
        }
    }

    func values(_ file: String, csv: CSVOptions = CSVOptions()) -> [JSONValue] {
        ReaderOutcome.read(Self.directory.appendingPathComponent(file).path, csv: csv).values
    }

    /// The corpus says how many records; these say what is in them.
    @Test func recordsHoldWhatTheFileSays() {
        #expect(values("csv/quoted.csv").first == ["a": "x, y", "b": "he said \"hi\"", "c": "line one\nline two"])
        #expect(
            values("csv/header-values-as-names.csv") == [
                ["2023": "1", "NaN": "2", "inf": "3", "owner@team": "4", "2026-01-05T09:00:00Z": "5"]
            ])
        #expect(values("csv/header-spaces-kept.csv") == [[" a ": "1", " b ": "2"]])
        #expect(values("csv/header-a-space-a.csv") == [["a": "1", " a": "2"]])
        #expect(values("csv/one-column-empty-quoted.csv") == [["a": .null], ["a": "x"], ["a": .null]])
        #expect(values("csv/empty-cells.csv") == [["a": .null, "b": .null, "c": .null], ["a": "1", "b": .null, "c": .null]])
        #expect(values("csv/unicode.csv") == [["name": "Núñez", "city": "東京"], ["name": "😀", "city": "a\nb"]])
        #expect(values("csv/nul-in-cell.csv") == [["a": "1", "b": "x\u{0}y"]])
        #expect(values("csv/quoted-header.csv") == [["a,1": "1", "b\"2": "2"]])
        var lenient = CSVOptions()
        lenient.lenientQuotes = true
        // The stray quotes are data, no byte is lost (PapaParse reads these two the same).
        #expect(values("csv/lenient-text-after-quote.csv", csv: lenient) == [["a": "1", "b": "abc\"def"]])
        #expect(
            values("csv/lenient-quote-in-unquoted.csv", csv: lenient) == [
                ["a": "1", "b": "b\"c", "c": "3"], ["a": "4", "b": "5", "c": "6"],
            ])
        var trim = CSVOptions()
        trim.trimHeader = true
        #expect(values("csv/trim-header.csv", csv: trim) == [["a": "1", "b": "2"]])
        var rename = CSVOptions()
        rename.renameDuplicates = true
        #expect(values("csv/rename-duplicates.csv", csv: rename) == [["a": "1", "b": "2", "a_2": "3", "a_3": "4"]])
        #expect(values("json/envelope-type-after-others.json") == [["a": 1], ["a": 2], ["a": 3]])
        #expect(values("json/envelope-escaped-key.json") == [["a": 1]])
        #expect(values("json/unicode-records.json") == [["name": "Núñez José 東京 😀", "e": "é\n\t\"\\/"]])
    }

    /// Strict CSV lists every bad row and reads on from the next line: nothing is merged.
    @Test func strictCSVReportsEachBadRowAndMergesNone() {
        let outcome = ReaderOutcome.read(Self.directory.appendingPathComponent("csv/stray-quote-hides-open.csv").path)
        #expect(outcome.problems.map(\.line) == [2, 3])
        #expect(outcome.problems.last?.message.contains("not closed") == true)
        let merge = ReaderOutcome.read(Self.directory.appendingPathComponent("csv/merge-attempt.csv").path)
        #expect(merge.problems.map(\.line) == [2])
        #expect(merge.values == [["a": "d", "b": "e", "c": "f"]])
    }

    func read(_ file: String, lenient: Bool) -> ReaderOutcome {
        var options = CSVOptions()
        options.lenientQuotes = lenient
        return ReaderOutcome.read(Self.directory.appendingPathComponent(file).path, csv: options)
    }

    /// What lenient reading does, input by input. Where PapaParse would merge
    /// rows (it looks for a later closing quote, across line ends) pushsh does
    /// not: a field never runs past its line unless it is quoted whole.
    @Test func lenientCSVReadsStrayQuotesAndNeverMergesRows() {
        // `a,"b"c,d` then `e,f,g`: PapaParse gives one field `b"c,d\ne,f,g`; here two rows, as written.
        let kept = read("csv/lenient-text-after-quote-keeps-rows.csv", lenient: true)
        #expect(kept.values == [["x": "a", "y": "b\"c", "z": "d"], ["x": "e", "y": "f", "z": "g"]])
        #expect(kept.warnings.map(\.line) == [2])
        #expect(kept.warnings.first?.message == "text after the closing quote of a field, read as data (csv_quotes lenient)")
        // Spaces after a closing quote are padding: dropped (as PapaParse does), with a warning.
        let spaces = read("csv/lenient-spaces-after-quote.csv", lenient: true)
        #expect(spaces.values == [["a": "1", "b": "B", "c": "C"]])
        #expect(spaces.warnings.first?.message == "spaces after the closing quote of a field, dropped (csv_quotes lenient)")
        // ... unless text follows them: then the quote and the spaces are data, like any text after a closing quote.
        #expect(read("csv/lenient-spaces-then-text.csv", lenient: true).values == [["a": "1", "b": "B\" x"]])
        // Strict refuses `"B" ` and says lenient would read it (it would).
        let strict = read("csv/spaces-after-quote.csv", lenient: false)
        #expect(strict.problems.map(\.line) == [2])
        #expect(strict.problems.first?.message.hasSuffix("(or set csv_quotes lenient)") == true)
        // A quoted field that ran over a line end and then has text after its quote: a stray quote
        // began it, and reading on would merge rows; refused in both modes, and lenient is not suggested.
        for lenient in [false, true] {
            let over = read("csv/lenient-quoted-over-lines-then-text.csv", lenient: lenient)
            #expect(over.problems.map(\.line) == [3], "lenient \(lenient)")
            #expect(over.problems.first?.message.contains("lenient") == false, "lenient \(lenient)")
            #expect(over.values == [["a": "3", "b": "4"]], "lenient \(lenient)")
        }
        // The header is read as leniently as a row, and a warning says so: every record gets its names.
        let header = read("csv/lenient-quote-in-header.csv", lenient: true)
        #expect(header.values == [["a": "1", "b\"c": "2"]])
        #expect(header.warnings.map(\.line) == [1])
        #expect(header.warnings.first?.message.contains("the header row: a quote (\") inside an unquoted field, read as data") == true)
    }

    /// Line ends are not a matter of quoting: both modes read them alike. The
    /// first line end says how rows end (LF or CRLF, or CR alone); the other
    /// kind is an error at its line, with no hint that lenient would help.
    @Test func lineEndsAreReadAlikeInBothModes() {
        for lenient in [false, true] {
            let cr = read("csv/cr-line-ends.csv", lenient: lenient)
            #expect(cr.problems.isEmpty && cr.warnings.isEmpty, "lenient \(lenient): \(cr.problems) \(cr.warnings)")
            #expect(cr.values == [["a": "1", "b": "2"], ["a": "3", "b": "x\ry"]], "lenient \(lenient)")
            #expect(cr.records.map(\.line) == [2, 3])
            // A header whose quoted name holds a line break, before the file has said how
            // its rows end: a CR there is a line of a CR file; an LF there is data.
            let quotedCR = read("csv/cr-line-ends-quoted-header.csv", lenient: lenient)
            #expect(quotedCR.problems.isEmpty, "lenient \(lenient): \(quotedCR.problems)")
            #expect(quotedCR.values == [["a\rb": "1", "c": "2"], ["a\rb": "3\r4", "c": "5"], ["a\rb": "6", "c": "7"]])
            #expect(quotedCR.records.map(\.line) == [3, 4, 6], "lenient \(lenient)")
            let quotedLF = read("csv/cr-line-ends-lf-in-quoted-header.csv", lenient: lenient)
            #expect(quotedLF.problems.isEmpty, "lenient \(lenient): \(quotedLF.problems)")
            #expect(quotedLF.records.map(\.line) == [2, 3, 4], "lenient \(lenient)")
            let loneCR = read("csv/lone-cr-in-lf-file.csv", lenient: lenient)
            #expect(loneCR.problems.map(\.line) == [2])
            #expect(loneCR.values == [["a": "5", "b": "6"]])
            let lf = read("csv/lf-in-cr-file.csv", lenient: lenient)
            #expect(lf.problems.map(\.line) == [2])
            #expect(lf.values == [["a": "5", "b": "6"]])
            for problem in loneCR.problems + lf.problems {
                #expect(!problem.message.contains("lenient"), "\(problem.message)")
            }
        }
    }

    /// Files with nothing in them are read as no records (a push says so and sends nothing), not refused.
    @Test func emptyFilesHoldNoRecords() {
        for file in [
            "csv/empty.csv", "csv/only-blank-lines.csv", "csv/only-bom.csv", "json/empty.json", "json/only-whitespace.json",
            "json/only-bom.json",
        ] {
            for lenient in [false, true] {
                let outcome = read(file, lenient: lenient)
                #expect(outcome.records.isEmpty && outcome.problems.isEmpty && outcome.warnings.isEmpty, "\(file): \(outcome.problems)")
            }
        }
    }
}

import BuiltInSandbox
import Foundation
import HTTPTypes
import PushAPI
import PushSandbox
import PushSyntax
import Synchronization
import Testing
import _PushTestSupport

@testable import PushScript

/// Pipelined pushes: several pages in flight, the same result as one page at
/// a time, and every page exactly once.
@Suite struct PipelineTests {
    let folder: ScratchFolder

    init() throws { folder = try ScratchFolder("pipe") }

    func write(_ name: String, _ records: [JSONValue]) throws -> String {
        try folder.write(name, records.map(\.jsonText).joined(separator: "\n") + "\n")
    }

    func users(_ n: Int) -> [JSONValue] { (1...n).map { user(String(format: "E%05d", $0), first: "Name\($0)") } }

    func connection(_ transport: any Transport, _ sandbox: SandboxService) -> Connection {
        var client = PushClient(
            configuration: PushConfiguration(baseURL: "sandbox:", integrationID: "demo", apiKey: APIKey("sandbox-key")),
            transport: transport)
        client.sleep = { _ in }
        return Connection(client: client, sandbox: SandboxServiceControls(service: sandbox, integrationID: "demo"), label: "sandbox")
    }

    func sandbox() -> SandboxService {
        SandboxService(
            settings: SandboxSettings(processingTime: .seconds(1), seed: 9), integrations: [.demo], clock: SandboxClock(frozenAt: t0))
    }

    func byKey(_ records: [JSONValue]) -> [String: JSONValue] {
        Dictionary(records.map { ($0["employeeId"]?.stringValue ?? "", $0) }, uniquingKeysWith: { _, last in last })
    }

    // MARK: The parts

    @Test func landedPagesAreToldFromTheTwoCounts() {
        #expect(LandedPages.resolve(sizes: [100], batches: 1, records: 100) == .landed([0]))
        #expect(LandedPages.resolve(sizes: [100], batches: 0, records: 0) == .landed([]))
        #expect(LandedPages.resolve(sizes: [100, 99, 98], batches: 2, records: 198) == .landed([0, 2]))
        #expect(LandedPages.resolve(sizes: [100, 100, 100], batches: 3, records: 300) == .landed([0, 1, 2]))
        #expect(LandedPages.resolve(sizes: [100, 100], batches: 1, records: 100) == .ambiguous)
        #expect(LandedPages.resolve(sizes: [100, 99, 98, 97], batches: 2, records: 197) == .ambiguous)
        #expect(LandedPages.resolve(sizes: [100, 99], batches: 1, records: 98) == .impossible)
        #expect(LandedPages.resolve(sizes: [100, 99], batches: 3, records: 199) == .impossible)
        #expect(LandedPages.identifiable([100, 99, 98, 96, 92, 84, 68]))
        #expect(!LandedPages.identifiable([100, 99, 98, 97]))
        #expect(!LandedPages.identifiable([100, 100]))
    }

    @Test func theCensusFindsRepeatedKeysWithoutParsing() {
        var census = KeyCensus(entityType: "User")
        let records = [
            #"{"employeeId":"E1","x":{"employeeId":"E2"}}"#, #"{"a":[1,{"b":"}"}],"employeeId":"E2"}"#,
            #"{"employeeId" : "E1", "firstName": "again"}"#, #"{"employeeId":"\u0045\u0033"}"#, #"{"employeeId":"E3"}"#,
            #"{"employeeId":7}"#, #"{"employeeId":"7"}"#, #"{"firstName":"no key"}"#,
        ].map { Array($0.utf8) }
        for record in records { census.note(record) }
        let page = { (i: Int) in census.repeatedKeys(in: [FileRecord(json: records[i], line: i + 1)]) }
        #expect(!page(0).isEmpty && page(0) == page(2))  // E1 twice (the nested E2 is not a key)
        #expect(page(1).isEmpty)  // E2 once at the top level
        #expect(!page(3).isEmpty && page(3) == page(4))  // E3 spelled two ways
        #expect(page(5).isEmpty && page(6).isEmpty && page(7).isEmpty)  // 7 and "7" differ
        #expect(!KeyCensus(entityType: "Asset").knowsKeys)
    }

    /// Past its budget the census keeps slots, not hashes: memory stops
    /// growing, and pages sharing a key still cannot be in flight together.
    @Test func aCensusPastItsBudgetStillKeepsPagesSharingAKeyApart() {
        KeyCensus.$exactBudget.withValue(4) {
            var census = KeyCensus(entityType: "User")
            // Ten keys seen twice (more than the budget of four), and unique ones between.
            let first = (0..<10).map { FileRecord(json: Array(#"{"employeeId":"R\#($0)"}"#.utf8), line: $0 + 1) }
            let unique = (0..<200).map { FileRecord(json: Array(#"{"employeeId":"U\#($0)"}"#.utf8), line: $0 + 11) }
            let again = (0..<10).map { FileRecord(json: Array(#"{"employeeId":"R\#($0)","firstName":"later"}"#.utf8), line: $0 + 211) }
            for record in first + unique + again { census.note(record.json) }
            #expect(census.coarse)
            #expect(census.repeated.isEmpty, "the exact hashes are dropped once coarse")
            #expect(census.hasRepeats)
            for i in 0..<10 {
                let early = census.repeatedKeys(in: [first[i]])
                let late = census.repeatedKeys(in: [again[i]])
                #expect(!early.isEmpty && !early.isDisjoint(with: late), "R\(i) is in both pages")
            }
            // Keys seen once fall in slots nobody repeated (2^24 slots, 210 keys).
            #expect(unique.allSatisfy { census.repeatedKeys(in: [$0]).isEmpty })

            // The pipeline holds back a page sharing a slot with one in flight, and lets a different one go.
            var pipe = PagePipeline(cap: 16, census: census)
            let page = { (number: Int, records: [FileRecord]) in
                FlightPage(number: number, records: records, body: [], keys: census.repeatedKeys(in: records))
            }
            pipe.inFlight[1] = page(1, Array(first[0..<5]) + Array(unique[0..<5]))
            #expect(!pipe.mayLaunch(page(2, [again[3]] + Array(unique[5..<9]))), "R3 is in flight")
            #expect(pipe.mayLaunch(page(3, [again[7]] + Array(unique[9..<13]))), "R7 is not")
        }
    }

    @Test func theWindowGrowsWhileCleanAndHalvesOnTrouble() {
        var window = ConcurrencyWindow(cap: 16)
        #expect(window.limit == 2)
        for _ in 0..<40 { window.clean(roundTrip: .milliseconds(50)) }
        #expect(window.limit == 16)
        window.trouble()
        #expect(window.limit == 8)
        window.trouble()
        window.trouble()
        window.trouble()
        window.trouble()
        #expect(window.limit == 1)
        // Answers that slow down as the window grows: the service is the bottleneck; it stops growing.
        var busy = ConcurrencyWindow(cap: 16)
        busy.clean(roundTrip: .milliseconds(10))
        for _ in 0..<40 { busy.clean(roundTrip: .milliseconds(40)) }
        #expect(busy.limit < 4)
        #expect(ConcurrencyWindow(cap: 1).limit == 1)
    }

    // MARK: Pushes

    /// Pages overlap, and pages sharing an employeeId never do: the data equals a sequential push's.
    @Test func pagesSharingAKeyAreNeverInFlightTogether() async throws {
        var input = users(2000)
        // Later versions of some records, pages apart: the last one must win, as it does sequentially.
        for i in stride(from: 0, to: 2000, by: 150) { input.append(user(String(format: "E%05d", i + 1), first: "Later\(i)")) }
        input += users(3000).suffix(1000)
        let path = try write("users.jsonl", input)
        let sandbox = sandbox()
        let transport = WatchingTransport(InProcessTransport(service: sandbox))
        let run = await runScript(
            "let s = start\npush s User from \"\(path)\"\nclose s apply\nwait s until processed\n",
            connection: connection(transport, sandbox))
        #expect(run.code == 0, "\(run.stderr)")
        #expect(transport.mostAtOnce.withLock { $0 } > 2, "pages were not pipelined")
        #expect(
            transport.clashes.withLock { $0 }.isEmpty, "pages sharing a key were in flight together: \(transport.clashes.withLock { $0 })")
        let applied = try sandbox.records(integrationID: "demo", entityType: "User")
        #expect(applied.count == 3000)
        #expect(byKey(applied) == byKey(input))
        #expect(run.stdout.contains("pages in flight"), "\(run.stdout)")
    }

    /// The same push with a census far past its budget: still pipelined, still no clash, same data.
    @Test func aCoarseCensusStillKeepsPagesSharingAKeyApart() async throws {
        // Later versions a page or so after the first, so that neighbouring pages (the ones in flight together) share keys.
        var input: [JSONValue] = []
        for (i, record) in users(2000).enumerated() {
            input.append(record)
            if i >= 200, i % 90 == 0 { input.append(user(String(format: "E%05d", i - 130 + 1), first: "Later\(i)")) }
        }
        let path = try write("users.jsonl", input)
        let sandbox = sandbox()
        let transport = WatchingTransport(InProcessTransport(service: sandbox))
        let run = await KeyCensus.$exactBudget.withValue(8) {
            await runScript(
                "let s = start\npush s User from \"\(path)\"\nclose s apply\nwait s until processed\n",
                connection: connection(transport, sandbox))
        }
        #expect(run.code == 0, "\(run.stderr)")
        #expect(transport.mostAtOnce.withLock { $0 } > 1, "pages were not pipelined")
        #expect(
            transport.clashes.withLock { $0 }.isEmpty, "pages sharing a key were in flight together: \(transport.clashes.withLock { $0 })")
        let applied = try sandbox.records(integrationID: "demo", entityType: "User")
        #expect(applied.count == 2000)
        #expect(byKey(applied) == byKey(input))
    }

    @Test func concurrencyOneIsPageByPage() async throws {
        let path = try write("users.jsonl", users(1000))
        let sandbox = sandbox()
        let transport = WatchingTransport(InProcessTransport(service: sandbox))
        let run = await runScript(
            "set push_concurrency 1\nlet s = start\npush s User from \"\(path)\"\n", connection: connection(transport, sandbox))
        #expect(run.code == 0, "\(run.stderr)")
        #expect(transport.mostAtOnce.withLock { $0 } == 1)
        #expect(try sandbox.records(integrationID: "demo", entityType: "User").isEmpty)
        #expect(!run.stdout.contains("in flight"))
    }

    /// Several answers lost at once, some after staging and some before: the
    /// two counts tell which landed, and each record is staged once.
    @Test func severalLostAnswersAtOnceAreResolvedByTheCounts() async throws {
        let input = users(3000)
        let path = try write("users.jsonl", input)
        let sandbox = sandbox()
        let lossy = LossyTransport(
            WatchingTransport(InProcessTransport(service: sandbox)), loseAnswerOfPages: [3, 4, 9, 12, 13],
            failBeforeSendingPages: [5, 10, 14])
        let run = await runScript(
            """
            let s = start
            push s User from "\(path)"
            expect s.accepted_records_total == 3000
            close s apply
            wait s until processed
            """, connection: connection(lossy, sandbox))
        #expect(run.code == 0, "\(run.stderr)")
        let applied = try sandbox.records(integrationID: "demo", entityType: "User")
        #expect(applied.count == 3000 && byKey(applied) == byKey(input))
        #expect(run.stdout.contains("none sent twice"), "\(run.stdout)")
    }

    /// Four pages in flight lose their answers together and two of them
    /// landed, holding as many records as the other two: the counts cannot
    /// say which. The push stops, names them, and sends nothing twice.
    @Test func anUnresolvableLossStopsWithThePagesInDoubt() async throws {
        let path = try write("users.jsonl", users(3000))
        let sandbox = sandbox()
        // The pages before come back clean, so the window has opened to 4 by
        // then (50 ms per page make the push latency-bound, and keep a loaded
        // machine's noise small beside the round trip), and pages in
        // flight never hold as many records as each other: in pages of 7,
        // the four in flight hold 7, 6, 5 and 4 records. Those of 7 and 4
        // land: as many records as the other two hold.
        let transport = GatedLoss(
            WatchingTransport(InProcessTransport(service: sandbox), delay: .milliseconds(50)), pages: [40, 41, 42, 43], landedSizes: [7, 4])
        let run = await runScript(
            "set push_concurrency 4\nset page_size 7\nlet s = start\npush s User from \"\(path)\"\n",
            connection: connection(transport, sandbox))
        #expect(run.code != 0)
        #expect(run.stderr.contains("which cannot be told; nothing was sent twice"), "\(run.stderr)")
        for page in 40...43 { #expect(run.stderr.contains("in doubt: page \(page), "), "\(run.stderr)") }
        #expect(run.stderr.contains("lines "), "\(run.stderr)")
        let sessionID = run.interpreter.lastSession?.id ?? ""
        let held = try sandbox.session(integrationID: "demo", sessionID: sessionID)
        #expect(held.acceptedBatches == 41, "pages 1 to 39, and two of the four in doubt")
        // Nothing after the doubt was sent: every page before it, plus the two that landed.
        #expect(held.acceptedRecordsTotal == transport.cleanRecords.withLock { $0 } + 11)
    }
}

/// Watches pages in flight: how many at once, and whether two that share an
/// employeeId ever overlap. Each page waits a moment so that they can.
final class WatchingTransport: Transport {
    let inner: any Transport
    let flying = Mutex<[Int: Set<String>]>([:])
    let mostAtOnce = Mutex(0)
    let clashes = Mutex<[String]>([])
    let delay: Duration

    init(_ inner: any Transport, delay: Duration = .milliseconds(2)) {
        self.inner = inner
        self.delay = delay
    }
    var destination: String { inner.destination }

    func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        guard request.path.hasSuffix("/entities"), let body = request.body, let page = try? JSONValue(parsing: body),
            let hint = page["page_hint"]?.intValue, case .array(let records)? = page["entities"]?["User"]
        else { return try await inner.send(request, timeout: timeout) }
        let keys = Set(records.compactMap { $0["employeeId"]?.stringValue })
        flying.withLock { flying in
            for (other, otherKeys) in flying where !otherKeys.isDisjoint(with: keys) {
                clashes.withLock { $0.append("pages \(other) and \(hint)") }
            }
            flying[Int(hint)] = keys
            let count = flying.count
            mostAtOnce.withLock { $0 = max($0, count) }
        }
        defer { _ = flying.withLock { $0.removeValue(forKey: Int(hint)) } }
        try? await Task.sleep(for: delay)
        return try await inner.send(request, timeout: timeout)
    }

    func shutdown() async {}
}

/// Holds the first attempts of `pages` until all are in flight, then loses
/// every answer: those of the sizes in `landedSizes` after staging, the
/// others before.
final class GatedLoss: Transport {
    let inner: any Transport
    let pages: Set<Int>
    let landedSizes: Set<Int>
    let arrived = Mutex<Set<Int>>([])
    /// Records in the pages that went through untouched.
    let cleanRecords = Mutex(0)

    init(_ inner: any Transport, pages: Set<Int>, landedSizes: Set<Int>) {
        self.inner = inner
        self.pages = pages
        self.landedSizes = landedSizes
    }
    var destination: String { inner.destination }

    func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        guard request.path.hasSuffix("/entities"), let body = request.body, let page = try? JSONValue(parsing: body),
            let hint = page["page_hint"]?.intValue, case .array(let records)? = page["entities"]?["User"]
        else { return try await inner.send(request, timeout: timeout) }
        guard pages.contains(Int(hint)), arrived.withLock({ $0.insert(Int(hint)).inserted }) else {
            let response = try await inner.send(request, timeout: timeout)
            if response.status == .accepted { cleanRecords.withLock { $0 += records.count } }
            return response
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while arrived.withLock({ $0.count }) < pages.count, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(1)) }
        if landedSizes.contains(records.count) {
            _ = try await inner.send(request, timeout: timeout)
            throw TransportFailure(.connectionLost, "reset after the page was staged")
        }
        throw TransportFailure(.connectionLost, "reset before the page was read")
    }

    func shutdown() async {}
}

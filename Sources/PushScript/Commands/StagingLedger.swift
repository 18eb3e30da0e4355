import PushAPI

/// What this run saw a session accept, for the check before apply: what the
/// session held when this run first pushed to it, plus every page and record
/// this run's pushes confirmed since (by a 2xx, or by the session's counts
/// after an unclear answer). A page that landed without this run knowing (a
/// late page past the settle window, someone else pushing) makes the session
/// hold more than this says.
struct StagingLedger: Sendable {
    /// Pages the session had accepted before this run's first push to it (nil: the service does not count pages).
    var pagesBefore: Int?
    /// Records per entity type the session held before this run's first push.
    var recordsBefore: [String: Int]
    var pagesConfirmed = 0
    var recordsConfirmed: [String: Int] = [:]

    init(before session: Session) {
        pagesBefore = session.acceptedBatches
        recordsBefore = session.acceptedRecordsByEntity
    }

    mutating func confirm(_ tally: PushTally) {
        pagesConfirmed += tally.pages
        for (type, count) in tally.acceptedByEntity { recordsConfirmed[type, default: 0] += count }
    }

    var expectedPages: Int? { pagesBefore.map { $0 + pagesConfirmed } }

    var expectedRecords: [String: Int] { recordsBefore.merging(recordsConfirmed, uniquingKeysWith: +).filter { $0.value != 0 } }

    /// Where `session` differs from what this run expects it to hold, one line
    /// per count (`pages: the session holds 52, this run saw 51 accepted`); empty when it holds exactly that.
    func differences(from session: Session) -> [String] {
        var lines: [String] = []
        if let expected = expectedPages, let held = session.acceptedBatches, held != expected {
            lines.append("pages: the session holds \(held), this run saw \(expected) accepted")
        }
        let expected = expectedRecords
        let held = session.acceptedRecordsByEntity.filter { $0.value != 0 }
        for type in Set(expected.keys).union(held.keys).sorted() where expected[type, default: 0] != held[type, default: 0] {
            lines.append(
                "\(type) records: the session holds \(held[type, default: 0]), this run saw \(expected[type, default: 0]) accepted")
        }
        return lines
    }
}

import PushAPI
import Testing
import _PushTestSupport

@testable import PushSandbox
@testable import PushScript

/// The natural-key rule lives in `NaturalKey` (the client core); the push's
/// key census, the messages that name a record and the sandbox's upsert must
/// all follow it.
@Suite struct NaturalKeyAgreementTests {
    static let types = ["User", "Device", "Policy", "user"]

    @Test func theCensusWatchesTheDocumentedKeyOnly() {
        for type in Self.types {
            let census = KeyCensus(entityType: type)
            #expect(census.field.map { String(decoding: $0, as: UTF8.self) } == NaturalKey.documentedField(for: type), "\(type)")
            #expect(census.knowsKeys == (type == "User"), "\(type)")
        }
        var census = KeyCensus(entityType: "User")
        census.note(Array(#"{"employeeId": "E1", "firstName": "A"}"#.utf8))
        census.note(Array(#"{"employeeId": "E2"}"#.utf8))
        #expect(!census.hasRepeats)
        census.note(Array(#"{"firstName": "B", "employeeId": "E1"}"#.utf8))
        #expect(census.hasRepeats)
    }

    @Test func messagesAndTheSandboxKeyARecordAlike() throws {
        for type in ["User", "Device"] {
            let key = NaturalKey.field(for: type)
            let first: JSONValue = [key: "K1", "n": 1]
            let again: JSONValue = [key: "K1", "n": 2]
            let other: JSONValue = [key: 7, "n": 3]
            #expect(RecordKey.naturalKey(Array(first.jsonText.utf8), type: type) == "K1")
            #expect(RecordKey.naturalKey(Array(other.jsonText.utf8), type: type) == "7")
            #expect(RecordKey.naturalKey(Array(#"{"n": 1}"#.utf8), type: type) == nil)

            var store = RecordStore()
            for record in [first, other, again] { store.upsert(record, key: key) }
            // The sandbox keeps one record per key, the later one in the first one's place.
            #expect(store.records == [again, other], "\(type)")
            #expect(store.records.compactMap { NaturalKey.value(of: $0, entityType: type) } == ["K1", "7"])
        }
    }
}

import Foundation

/// JSON-RPC 2.0's and LSP's error codes.
public enum RPCErrorCode: Int, Sendable {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case serverNotInitialized = -32002
    case requestCancelled = -32800
}

/// A request that cannot be answered with a result.
public struct RPCError: Error, Sendable {
    public var code: RPCErrorCode
    public var message: String

    public init(_ code: RPCErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// A JSON value as JSONSerialization gives it: `[String: Any]`, `[Any]`,
/// strings, numbers, NSNull. These read it without ever trapping.
typealias JSONObject = [String: Any]

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> JSONObject? { self[key] as? JSONObject }
    func string(_ key: String) -> String? { self[key] as? String }
    func array(_ key: String) -> [Any]? { self[key] as? [Any] }

    /// A whole number (not a boolean, which JSONSerialization also gives as a number).
    func integer(_ key: String) -> Int? {
        guard let number = self[key] as? NSNumber, !number.isBoolean else { return nil }
        let value = number.doubleValue
        guard value.isFinite, value == value.rounded(), abs(value) < 9e15 else { return nil }
        return Int(value)
    }
}

extension NSNumber {
    /// Whether JSONSerialization made this number from `true` or `false`.
    var isBoolean: Bool {
        #if canImport(Darwin)
            return CFGetTypeID(self) == CFBooleanGetTypeID()
        #else
            return String(cString: objCType) == "c" && (self == NSNumber(value: true) || self == NSNumber(value: false))
        #endif
    }
}

enum JSONBody {
    /// Nesting deeper than this is refused before JSONSerialization sees it.
    static let maxDepth = 256

    /// Parses a message body; nil when it is not JSON (or absurdly nested).
    static func parse(_ bytes: [UInt8]) -> Any? {
        guard depth(of: bytes) <= maxDepth else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// The deepest bracket nesting outside strings.
    static func depth(of bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == 92 { escaped = true } else if byte == 34 { inString = false }
                continue
            }
            switch byte {
            case 34: inString = true
            case 91, 123:
                depth += 1
                deepest = max(deepest, depth)
            case 93, 125: depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// Serializes an outgoing message; nil only for a value JSON cannot hold.
    static func encode(_ message: JSONObject) -> [UInt8]? {
        guard JSONSerialization.isValidJSONObject(message),
            let data = try? JSONSerialization.data(withJSONObject: message, options: [.withoutEscapingSlashes, .sortedKeys])
        else { return nil }
        return [UInt8](data)
    }
}

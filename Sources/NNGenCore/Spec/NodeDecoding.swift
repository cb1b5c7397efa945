/// Small readers from YAML nodes to typed values that record a diagnostic on every mismatch.
///
/// Each returns nil after logging an error, so a caller can go on and find further errors.
struct NodeDecoder {
    var log = DiagnosticLog()

    /// The pairs of a mapping, after checking that every key is a plain scalar, known, and given once.
    /// `what` names the mapping in messages ("layer 2", "optimizer sgd").
    mutating func mapping(_ node: YAMLNode, _ what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let pairs, _) = node else {
            log.error("\(what) must be a mapping, found \(node.kindDescription)", at: node.location)
            return nil
        }
        var fields = Fields(location: node.location)
        for (key, value) in pairs {
            guard case .scalar(let name, _, let at) = key else {
                log.error("keys of \(what) must be plain words, found \(key.kindDescription)", at: key.location)
                continue
            }
            if let first = fields.entries.first(where: { $0.key == name }) {
                log.error("'\(name)' is given twice in \(what) (first at \(first.keyLocation))", at: at)
                continue
            }
            if !allowed.contains(name) {
                let known = allowed.map { "'\($0)'" }.joined(separator: ", ")
                log.error("unknown key '\(name)' in \(what)\(didYouMean(name, among: allowed)) (known keys: \(known))", at: at)
                continue
            }
            fields.entries.append((name, at, value))
        }
        return fields
    }

    /// A choice written either as a plain word (`relu`) or a one-key mapping (`{elu: {alpha: 1}}`).
    /// Returns the chosen word, its position, and the options node (nil for the plain form).
    mutating func choice(_ node: YAMLNode, _ what: String, options: [String]) -> (name: String, at: SourceLocation, options: YAMLNode?)? {
        let known = options.map { "'\($0)'" }.joined(separator: ", ")
        switch node {
        case .scalar(let word, _, let at):
            guard options.contains(word) else {
                log.error("unknown \(what) '\(word)'\(didYouMean(word, among: options)) (expected one of \(known))", at: at)
                return nil
            }
            return (word, at, nil)
        case .mapping(let pairs, let at):
            guard pairs.count == 1, case .scalar(let word, _, let wordAt) = pairs[0].key else {
                log.error("\(what) must be one word or a mapping with exactly one key", at: at)
                return nil
            }
            guard options.contains(word) else {
                log.error("unknown \(what) '\(word)'\(didYouMean(word, among: options)) (expected one of \(known))", at: wordAt)
                return nil
            }
            let value = pairs[0].value
            if case .scalar(let s, let plain, _) = value, s.isEmpty, plain { return (word, wordAt, nil) }
            return (word, wordAt, value)
        case .sequence(_, let at):
            log.error("\(what) must be one word or a mapping with exactly one key, found a list", at: at)
            return nil
        }
    }

    /// An integer in `range`.
    mutating func integer(_ node: YAMLNode, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let text, true, let at) = node, let value = Int(text.replacingUnderscores) else {
            log.error("\(what) must be a whole number, found \(node.kindDescription)", at: node.location)
            return nil
        }
        guard range.contains(value) else {
            let limit = value < range.lowerBound ? "at least \(range.lowerBound)" : "at most \(range.upperBound)"
            log.error("\(what) must be \(limit), found \(value)", at: at)
            return nil
        }
        return value
    }

    /// An unsigned 64-bit integer (a seed).
    mutating func unsigned(_ node: YAMLNode, _ what: String) -> UInt64? {
        guard case .scalar(let text, true, _) = node, let value = UInt64(text.replacingUnderscores) else {
            log.error("\(what) must be an unsigned whole number below 2^64, found \(node.kindDescription)", at: node.location)
            return nil
        }
        return value
    }

    /// A finite real number satisfying `rule` (described as, e.g., "> 0").
    mutating func real(_ node: YAMLNode, _ what: String, _ rule: RealRule = .any) -> Double? {
        guard case .scalar(let text, true, let at) = node, let value = parseYAMLReal(text) else {
            log.error("\(what) must be a number, found \(node.kindDescription)", at: node.location)
            return nil
        }
        guard value.isFinite else {
            log.error("\(what) must be finite, found \(text)", at: at)
            return nil
        }
        guard rule.accepts(value) else {
            log.error("\(what) must be \(rule.description), found \(text)", at: at)
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func boolean(_ node: YAMLNode, _ what: String) -> Bool? {
        if case .scalar(let text, true, _) = node {
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        log.error("\(what) must be true or false, found \(node.kindDescription)", at: node.location)
        return nil
    }

    /// A plain or quoted string scalar.
    mutating func string(_ node: YAMLNode, _ what: String) -> (String, SourceLocation)? {
        guard case .scalar(let text, _, let at) = node else {
            log.error("\(what) must be a word, found \(node.kindDescription)", at: node.location)
            return nil
        }
        return (text, at)
    }
}

/// The checked keys of one mapping, in file order.
struct Fields {
    var location: SourceLocation
    var entries: [(key: String, keyLocation: SourceLocation, value: YAMLNode)] = []

    /// The value of `key`, if given.
    subscript(_ key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }
}

/// A range rule on a real number, with the words used in messages.
enum RealRule: CustomStringConvertible {
    case any, positive, nonNegative, unitInterval  // unitInterval: 0 <= x < 1
    /// A whole number n ≠ 0 with |n| ≤ limit.
    case nonZeroInteger(limit: Int)

    func accepts(_ x: Double) -> Bool {
        switch self {
        case .any: return true
        case .positive: return x > 0
        case .nonNegative: return x >= 0
        case .unitInterval: return x >= 0 && x < 1
        case .nonZeroInteger(let limit): return x == x.rounded() && x != 0 && abs(x) <= Double(limit)
        }
    }

    var description: String {
        switch self {
        case .any: return "a number"
        case .positive: return "> 0"
        case .nonNegative: return "≥ 0"
        case .unitInterval: return "≥ 0 and < 1"
        case .nonZeroInteger(let limit): return "a whole number from −\(limit) to \(limit) other than 0"
        }
    }
}

/// Parses a YAML 1.1 real written in decimal (`1`, `-0.5`, `1e-3`, `.5`, `1_000.0`).
/// Words such as `.inf` and `.nan` parse to non-finite values (rejected by the caller).
func parseYAMLReal(_ text: String) -> Double? {
    switch text.lowercased() {
    case ".inf", "+.inf": return .infinity
    case "-.inf": return -.infinity
    case ".nan": return .nan
    default: break
    }
    let cleaned = text.replacingUnderscores
    guard !cleaned.isEmpty,
        cleaned.allSatisfy({ "0123456789+-.eE".contains($0) }),
        let value = Double(cleaned)
    else { return nil }
    return value
}

extension String {
    /// YAML 1.1 allows `_` as a digit separator in numbers.
    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}

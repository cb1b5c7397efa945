/// A YAML node as libyaml read it, with the position where it starts.
public indirect enum YAMLNode: Sendable {
    /// A scalar; `isPlain` is false for quoted and block scalars (which are never numbers).
    case scalar(String, isPlain: Bool, SourceLocation)
    /// A mapping, keys in file order (duplicates kept, so that they can be reported).
    case mapping([(key: YAMLNode, value: YAMLNode)], SourceLocation)
    /// A sequence, in file order.
    case sequence([YAMLNode], SourceLocation)

    /// Where the node starts.
    public var location: SourceLocation {
        switch self {
        case .scalar(_, _, let l), .mapping(_, let l), .sequence(_, let l): return l
        }
    }

    /// A short name of the node's kind, for messages ("a mapping", "a list", "'abc'").
    public var kindDescription: String {
        switch self {
        case .scalar(let s, _, _): return s.isEmpty ? "an empty value" : "'\(s.prefix(40))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

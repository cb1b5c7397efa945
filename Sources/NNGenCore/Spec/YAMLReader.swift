import CYaml

/// Reads one YAML document with libyaml into `YAMLNode`s that keep line and column.
///
/// Aliases, anchors, tags and several documents are rejected (the spec language forbids them),
/// as is nesting deeper than `maximumDepth`. Every problem is a `Diagnostic` with a position.
public enum YAMLReader {
    /// The deepest nesting of mappings and lists accepted.
    public static let maximumDepth = 64
    /// The largest spec accepted, in bytes.
    public static let maximumSize = 4 << 20

    /// Parses `text`. Returns the root node, or nil with the errors appended to `log`.
    public static func read(_ text: String, log: inout DiagnosticLog) -> YAMLNode? {
        let bytes = Array(text.utf8)
        if bytes.count > maximumSize {
            let tooLarge = SpecText.tooLarge(bytes.count)
            log.error(tooLarge.message, at: tooLarge.location)
            return nil
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            log.error("libyaml could not be initialized", at: .start)
            return nil
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var builder = EventTreeBuilder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    // Reader errors (bad encoding, control characters) carry a byte offset, not a mark.
                    let at = parser.error == YAML_READER_ERROR
                        ? SpecText.location(ofByte: min(parser.problem_offset, bytes.count), in: bytes) : location(parser.problem_mark)
                    log.error(problemMessage(parser), at: at)
                    return nil
                }
                defer { yaml_event_delete(&event) }
                switch builder.consume(&event, log: &log) {
                case .more: continue
                case .done(let root): return root
                case .failed: return nil
                }
            }
        }
    }

    static func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func problemMessage(_ parser: yaml_parser_t) -> String {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if let context = parser.context {
            return "invalid YAML: \(problem) (\(String(cString: context)))"
        }
        return "invalid YAML: \(problem)"
    }
}

/// Turns libyaml's event stream into a node tree, one event at a time.
private struct EventTreeBuilder {
    enum Step { case more, done(YAMLNode?), failed }

    /// An open collection: its start, and what it holds so far.
    private enum Frame {
        case mapping(SourceLocation, [YAMLNode], [(key: YAMLNode, value: YAMLNode)])
        case sequence(SourceLocation, [YAMLNode])
    }

    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var documents = 0

    mutating func consume(_ event: inout yaml_event_t, log: inout DiagnosticLog) -> Step {
        let at = YAMLReader.location(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .more
        case YAML_STREAM_END_EVENT:
            return .done(root)
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                log.error("a spec is one YAML document; a second document starts here", at: at)
                return .failed
            }
            return .more
        case YAML_DOCUMENT_END_EVENT:
            return .more
        case YAML_ALIAS_EVENT:
            log.error("YAML aliases are not allowed in a spec", at: at)
            return .failed
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            if !checkDecorations(anchor: scalar.anchor, tag: scalar.tag, at: at, log: &log) { return .failed }
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            return add(.scalar(text, isPlain: plain, at), log: &log)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            if !checkDecorations(anchor: start.anchor, tag: start.tag, at: at, log: &log) { return .failed }
            return push(.sequence(at, []), at: at, log: &log)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            if !checkDecorations(anchor: start.anchor, tag: start.tag, at: at, log: &log) { return .failed }
            return push(.mapping(at, [], []), at: at, log: &log)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return .failed }
            switch frame {
            case .sequence(let l, let items):
                return add(.sequence(items, l), log: &log)
            case .mapping(let l, _, let pairs):
                return add(.mapping(pairs, l), log: &log)
            }
        default:
            return .more
        }
    }

    private mutating func push(_ frame: Frame, at: SourceLocation, log: inout DiagnosticLog) -> Step {
        if stack.count >= YAMLReader.maximumDepth {
            log.error("nesting deeper than the limit of \(YAMLReader.maximumDepth) levels", at: at)
            return .failed
        }
        stack.append(frame)
        return .more
    }

    private func checkDecorations(
        anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
        at: SourceLocation, log: inout DiagnosticLog
    ) -> Bool {
        if anchor != nil {
            log.error("YAML anchors are not allowed in a spec", at: at)
            return false
        }
        if let tag {
            log.error("YAML tags are not allowed in a spec (found '\(String(cString: tag))')", at: at)
            return false
        }
        return true
    }

    private mutating func add(_ node: YAMLNode, log: inout DiagnosticLog) -> Step {
        guard let top = stack.popLast() else {
            root = node
            return .more
        }
        switch top {
        case .sequence(let l, var items):
            items.append(node)
            stack.append(.sequence(l, items))
        case .mapping(let l, var pendingKey, var pairs):
            if let key = pendingKey.popLast() {
                pairs.append((key, node))
            } else {
                pendingKey.append(node)
            }
            stack.append(.mapping(l, pendingKey, pairs))
        }
        return .more
    }
}

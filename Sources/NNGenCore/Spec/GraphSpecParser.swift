/// The graph form of the spec language: `inputs:`, `params:`, `graph:` and `output:`.
///
/// Every name is resolved and every node's shape inferred here, so that each problem is reported
/// at the argument that causes it and lowering cannot fail.
extension SpecParser {
    static let graphKeys = ["nngen", "name", "scalar", "inputs", "params", "graph", "output"]
    /// At most this many nodes in `graph:`, and at most `maximumVariables` inputs and params: the
    /// largest graphs within both compile with `swiftc -O` in under 60 s
    /// (`Scripts/check_compile_times.sh`; each node and each variable is a public stored property,
    /// which costs the compiler about 7 ms whatever the code around it).
    public static let maximumNodes = 1_000
    /// At most this many inputs and params together.
    public static let maximumVariables = 250
    /// At most this many elements in any input, param or node.
    public static let maximumElements = 16_777_216
}

extension NodeDecoder {
    mutating func graph(_ root: YAMLNode) -> GraphSpec? {
        guard let f = mapping(root, "the spec", allowed: SpecParser.graphKeys) else { return nil }
        var ok = true
        let (name, scalarType) = header(f, ok: &ok)
        var scope = GraphScope()
        var variables: [GraphSpec.Variable] = []
        // Inputs and params, in the order their sections appear in the file.
        let sections = f.entries.filter { $0.key == "inputs" || $0.key == "params" }
        for section in sections {
            for (varName, at, value) in namedEntries(section.value, "'\(section.key)'", scope: &scope) {
                guard let shape = shape(value, of: varName) else { continue }
                variables.append(GraphSpec.Variable(name: varName, shape: shape, isParam: section.key == "params", location: at))
                scope.shapes[varName] = shape
            }
        }
        if variables.count > SpecParser.maximumVariables {
            log.error("the graph has \(variables.count) inputs and params, over the limit of \(SpecParser.maximumVariables)",
                      at: variables[SpecParser.maximumVariables].location)
            return nil
        }
        if sections.isEmpty {
            log.error("a graph needs 'inputs:' or 'params:' to differentiate with respect to", at: f.location)
            ok = false
        }
        var nodes: [GraphSpec.Node] = []
        if let g = f["graph"] {
            let entries = namedEntries(g, "'graph'", scope: &scope)
            if entries.count > SpecParser.maximumNodes {
                log.error("the graph has \(entries.count) nodes, over the limit of \(SpecParser.maximumNodes)", at: entries[SpecParser.maximumNodes].at)
                return nil
            }
            if entries.isEmpty, case .mapping = g { log.error("'graph' needs at least one node", at: g.location) }
            scope.later = Dictionary(entries.map { ($0.name, $0.at) }, uniquingKeysWith: { first, _ in first })
            for (nodeName, at, value) in entries {
                if let node = node(nodeName, at: at, value, scope: scope) {
                    nodes.append(node)
                    scope.shapes[nodeName] = node.shape
                }
                scope.later[nodeName] = nil
            }
        }
        var output = ""
        if let v = f["output"] {
            if let (text, at) = string(v, "'output'") {
                if let node = nodes.first(where: { $0.name == text }) {
                    if node.shape.isScalar { output = text } else {
                        log.error("'output' must be a scalar node, but '\(text)' is \(node.shape)", at: at)
                    }
                } else if variables.contains(where: { $0.name == text }) {
                    log.error("'output' must name a node of 'graph:', and '\(text)' is an input or param", at: at)
                } else if scope.declared[text] == nil {
                    log.error("'output' names no node: '\(text)'\(didYouMean(text, among: nodes.map(\.name)))", at: at)
                }
            }
        } else {
            log.error("missing required key 'output' (the scalar node to differentiate)", at: f.location)
        }
        if f["graph"] == nil {
            log.error("missing required key 'graph'", at: f.location)
            ok = false
        }
        guard ok, !log.hasErrors else { return nil }
        let parameterCount = variables.filter(\.isParam).reduce(0) { $0 + $1.shape.count }
        if parameterCount > SpecParser.maximumParameters {
            log.error("the params hold \(parameterCount) values, over the limit of \(SpecParser.maximumParameters)", at: f.location)
            return nil
        }
        // Every value and its gradient live in memory during a call: bound them like a network's workspace.
        var values = variables.reduce(0) { $0 + 2 * $1.shape.count }
        for node in nodes {
            values += 2 * node.shape.count
            if values > WorkspaceLimit.maximumScalars {
                log.error("the graph's values and their gradients hold more than \(WorkspaceLimit.maximumScalars) scalars by this node, over the limit", at: node.location)
                return nil
            }
        }
        return GraphSpec(name: name, scalar: scalarType, variables: variables, nodes: nodes, output: output)
    }

    /// The entries of a mapping of names (`inputs:`, `params:`, `graph:`), each name checked and
    /// declared in `scope`; a name used twice anywhere in the spec is an error at its second use.
    private mutating func namedEntries(_ node: YAMLNode, _ what: String, scope: inout GraphScope) -> [(name: String, at: SourceLocation, value: YAMLNode)] {
        guard case .mapping(let pairs, _) = node else {
            log.error("\(what) must be a mapping of names, found \(node.kindDescription)", at: node.location)
            return []
        }
        var result: [(name: String, at: SourceLocation, value: YAMLNode)] = []
        for (key, value) in pairs {
            guard case .scalar(let name, _, let at) = key else {
                log.error("names in \(what) must be plain words, found \(key.kindDescription)", at: key.location)
                continue
            }
            if let problem = Identifiers.problemWithValueName(name, reserved: Identifiers.reservedByGraphCode) {
                log.error(problem, at: at)
                continue
            }
            if let first = scope.declared[name] {
                log.error("'\(name)' is declared twice (first at \(first))", at: at)
                continue
            }
            scope.declared[name] = at
            result.append((name, at, value))
        }
        return result
    }

    /// `scalar`, `[n]` or `[m, n]`.
    private mutating func shape(_ node: YAMLNode, of name: String) -> Shape? {
        let what = "the shape of '\(name)'"
        switch node {
        case .scalar("scalar", true, _):
            return .scalar
        case .sequence(let items, let at):
            guard (1...2).contains(items.count) else {
                log.error("\(what) must be scalar, [n] or [m, n], found a list of \(items.count) dimensions", at: at)
                return nil
            }
            let dims = items.compactMap { integer($0, "a dimension of '\(name)'", in: 1...SpecParser.maximumDimension) }
            guard dims.count == items.count else { return nil }
            guard dims.reduce(1, *) <= SpecParser.maximumElements else {
                log.error("'\(name)' has \(dims.reduce(1, *)) elements, over the limit of \(SpecParser.maximumElements)", at: at)
                return nil
            }
            return Shape(dims)
        default:
            log.error("\(what) must be scalar, [n] or [m, n], found \(node.kindDescription)", at: node.location)
            return nil
        }
    }

    /// One node: its expression parsed, its arguments resolved, its shape inferred.
    private mutating func node(_ name: String, at: SourceLocation, _ value: YAMLNode, scope: GraphScope) -> GraphSpec.Node? {
        guard case .scalar(let text, let isPlain, let start) = value else {
            log.error("node '\(name)' must be written 'op(arguments)', such as 'add(x, y)', found \(value.kindDescription)", at: value.location)
            return nil
        }
        // A quoted scalar's text starts one column after its opening quote.
        let base = SourceLocation(line: start.line, column: start.column + (isPlain ? 0 : 1))
        func position(_ offset: Int) -> SourceLocation { SourceLocation(line: base.line, column: base.column + offset) }
        let expression: NodeExpression
        switch NodeExpression.parse(text) {
        case .failure(let problem):
            log.error("node '\(name)': \(problem.message)", at: position(problem.offset))
            return nil
        case .success(let e): expression = e
        }
        guard let op = GraphOp(name: expression.op.text) else {
            let known = GraphOp.all.map(\.name)
            log.error("unknown op '\(expression.op.text)'\(didYouMean(expression.op.text, among: known)) (ops: \(known.joined(separator: ", ")))",
                      at: position(expression.op.offset))
            return nil
        }
        var rule = GraphShapeRule(op: op, node: name, log: log)
        let shape = rule.check(expression.arguments, scope: scope, position: position)
        log = rule.log
        guard let shape else { return nil }
        if shape.count > SpecParser.maximumElements {
            log.error("node '\(name)' has \(shape.count) elements, over the limit of \(SpecParser.maximumElements)", at: at)
            return nil
        }
        return GraphSpec.Node(name: name, op: op, arguments: rule.arguments, attribute: rule.attribute, shape: shape, location: at)
    }
}

/// The names a graph spec has declared so far, and the shapes of those already checked.
struct GraphScope {
    /// Every input, param and node name, where it is declared.
    var declared: [String: SourceLocation] = [:]
    /// Shapes of inputs, params and the nodes before the current one.
    var shapes: [String: Shape] = [:]
    /// Nodes at or after the current one (an argument may not name them).
    var later: [String: SourceLocation] = [:]
}

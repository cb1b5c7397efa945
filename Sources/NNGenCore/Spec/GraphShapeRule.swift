/// Checks the arguments of one graph node against its op (count, kind, shapes) and infers the
/// node's shape. Each problem is logged at the argument that causes it.
struct GraphShapeRule {
    let op: GraphOp
    /// The node being checked, for messages.
    let node: String
    var log: DiagnosticLog
    /// The resolved operands (after `check`).
    private(set) var arguments: [GraphSpec.Argument] = []
    /// The value of the op's attribute, such as leaky_relu's alpha (after `check`).
    private(set) var attribute: Double?

    init(op: GraphOp, node: String, log: DiagnosticLog) {
        self.op = op
        self.node = node
        self.log = log
    }

    /// How the op is called, for messages.
    var usage: String {
        if let attribute = op.attribute {
            let full = "\(op.name)(x, \(attribute.name))"
            return attribute.defaultValue == nil ? full : "\(op.name)(x) or \(full)"
        }
        switch op {
        case .matmul: return "matmul(A, B)"
        case .dot: return "dot(a, b)"
        case .transpose: return "transpose(A)"
        default: return op.isBinaryElementwise ? "\(op.name)(a, b)" : "\(op.name)(x)"
        }
    }

    /// The node's shape, or nil after logging why the arguments do not fit the op.
    mutating func check(_ parts: [NodeExpression.Part], scope: GraphScope, position: (Int) -> SourceLocation) -> Shape? {
        let arity = op.isBinaryElementwise || op == .matmul || op == .dot ? 2...2
            : op.attribute.map { $0.defaultValue == nil ? 2...2 : 1...2 } ?? 1...1
        guard arity.contains(parts.count) else {
            let at = parts.count > arity.upperBound ? parts[arity.upperBound].offset : parts[parts.count - 1].offset
            let expected = arity.count == 1 ? "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")" : "1 or 2 arguments"
            log.error("'\(op.name)' takes \(expected), \(usage); found \(parts.count)", at: position(at))
            return nil
        }
        if let definition = op.attribute {
            attribute = definition.defaultValue
            if parts.count == 2 && !checkAttribute(definition, parts[1], position(parts[1].offset)) { return nil }
        }
        let operandParts = Array(parts.prefix(op.attribute == nil ? parts.count : 1))
        var shapes: [Shape] = []
        for part in operandParts {
            // Every operand is resolved, so that each bad one is reported.
            guard let (argument, shape) = resolve(part, scope: scope, at: position(part.offset)) else { continue }
            arguments.append(argument)
            shapes.append(shape)
        }
        guard shapes.count == operandParts.count else { return nil }
        let names = operandParts.map(\.text)
        let secondAt = position(operandParts.last!.offset)
        switch op {
        case .binary(let function):
            if case .number = arguments[0], case .number = arguments[1] {
                log.error("'\(op.name)' needs at least one input, param or node; two numbers make a constant", at: position(operandParts[0].offset))
                return nil
            }
            if function == .div, case .number(0) = arguments[1] {
                log.error("'div' by the literal 0: every element of '\(node)' would be infinite or NaN", at: secondAt)
                return nil
            }
            if shapes[0] == shapes[1] || shapes[1].isScalar { return shapes[0] }
            if shapes[0].isScalar { return shapes[1] }
            log.error("'\(op.name)' needs operands of the same shape, or a scalar: '\(names[0])' is \(shapes[0]) and '\(names[1])' is \(shapes[1])", at: secondAt)
            return nil
        case .unary:
            return shapes[0]
        case .sum, .mean, .sumSquares:
            return .scalar
        case .transpose:
            guard shapes[0].dims.count == 2 else {
                log.error("'transpose' needs a matrix [m, n]; '\(names[0])' is \(shapes[0])", at: secondAt)
                return nil
            }
            return Shape([shapes[0].dims[1], shapes[0].dims[0]])
        case .dot:
            guard shapes[0].dims.count == 1, shapes[0] == shapes[1] else {
                log.error("'dot' needs two vectors of the same length: '\(names[0])' is \(shapes[0]) and '\(names[1])' is \(shapes[1])", at: secondAt)
                return nil
            }
            return .scalar
        case .matmul:
            return matmulShape(shapes, names, at: position(operandParts[0].offset), secondAt: secondAt)
        }
    }

    /// `[m, k]·[k, n] → [m, n]`, `[m, k]·[k] → [m]`, `[k]·[k, n] → [n]`.
    private mutating func matmulShape(_ shapes: [Shape], _ names: [String], at firstAt: SourceLocation, secondAt: SourceLocation) -> Shape? {
        let a = shapes[0].dims, b = shapes[1].dims
        if a.isEmpty || b.isEmpty {
            log.error("'matmul' needs matrices or vectors; '\(a.isEmpty ? names[0] : names[1])' is a scalar (use mul to scale)", at: a.isEmpty ? firstAt : secondAt)
            return nil
        }
        if a.count == 1 && b.count == 1 {
            log.error("'matmul' of two vectors: use dot(\(names[0]), \(names[1])) for their inner product", at: secondAt)
            return nil
        }
        guard a.last! == b.first! else {
            log.error("'matmul' inner dimensions differ: '\(names[0])' is \(shapes[0]) and '\(names[1])' is \(shapes[1])", at: secondAt)
            return nil
        }
        return Shape(Array(a.dropLast()) + Array(b.dropFirst()))
    }

    /// An operand: the name of an input, param or earlier node, or (for elementwise ops of two
    /// operands) a number.
    private mutating func resolve(_ part: NodeExpression.Part, scope: GraphScope, at: SourceLocation) -> (GraphSpec.Argument, Shape)? {
        let text = part.text
        if Identifiers.isIdentifier(text) {
            if let shape = scope.shapes[text] { return (.name(text), shape) }
            if text == node {
                log.error("node '\(node)' cannot use itself", at: at)
            } else if let defined = scope.later[text] {
                log.error("'\(text)' is defined later, at \(defined); a node can only use inputs, params and earlier nodes", at: at)
            } else if scope.declared[text] == nil {
                let known = Array(scope.shapes.keys).sorted()
                log.error("unknown name '\(text)'\(didYouMean(text, among: known)) in node '\(node)'", at: at)
            }
            // Otherwise the name is an earlier node that had an error of its own: nothing to add.
            return nil
        }
        guard let number = parseYAMLReal(text) else {
            log.error("'\(text.prefix(40))' is neither a name nor a number", at: at)
            return nil
        }
        guard number.isFinite else {
            log.error("numbers in a graph must be finite, found \(text)", at: at)
            return nil
        }
        guard op.isBinaryElementwise else {
            log.error("'\(op.name)' needs the name of an input, param or earlier node, found the number \(text)", at: at)
            return nil
        }
        return (.number(number), .scalar)
    }

    /// Reads the op's attribute and checks it against the definition's rule.
    private mutating func checkAttribute(_ definition: OpAttribute, _ part: NodeExpression.Part, _ at: SourceLocation) -> Bool {
        let what = "the \(definition.name) of '\(op.name)'"
        guard let value = parseYAMLReal(part.text), value.isFinite else {
            log.error("\(what) must be a finite number, found '\(part.text.prefix(40))'", at: at)
            return false
        }
        guard definition.rule.accepts(value) else {
            log.error("\(what) must be \(definition.rule.description), found \(part.text)", at: at)
            return false
        }
        attribute = value
        return true
    }
}

/// Splits the code of a large graph into functions, so that it compiles in time linear in the
/// graph's size (issue "Reliability, round 2", point 5).
///
/// Written inline, a graph of 50 nodes over 8-element vectors took `swiftc -O` 10 s and 200 nodes
/// 45 s, about 2.2× per doubling: the optimizer's passes are superlinear in a function's size. Past
/// `sizeLimit` (see `inlineSize`), every op becomes a call of a kernel function that takes the values
/// it reads and returns the value it computes (`v0`, `v1`, … and `r`, so that ops of one shape
/// share one function, as `KernelOutliner` does for networks), and `nodes()` and
/// `valueAndGradient()` become lists of calls of parts of at most `partSize` ops. The parts write
/// every node into a `Nodes` and every gradient into a `Gradient` as they compute it (their fields
/// start empty: built at once, a struct of a thousand fields took longer to compile than all the
/// parts); another value that one part computes and a later one reads goes through a slot of
/// `_Slots`.
struct GraphOutliner {
    /// A graph is outlined when its forward and backward passes inline would be larger than this
    /// (`inlineSize`). Inline, the largest example spec (778) compiles in 6 s; a graph of 50 nodes
    /// over 8-element vectors (1,513) in 10 s, outlined in 2.5 s; 12 nodes over 256-element
    /// vectors with `--unroll-limit 256` (11,800) in 162 s.
    static let sizeLimit = 1024
    /// The most ops one part computes (16 to 64 compiled alike; 128 was 30% slower).
    static let partSize = 32
    /// The unroll limit of an outlined graph's kernels, whatever `--unroll-limit` says, so that a
    /// kernel function stays small: 1,000 nodes over 256-element vectors with `--unroll-limit 256`
    /// compile in 14 s (`Scripts/check_compile_times.sh --all`).
    static let unrollLimit = 16

    /// Where a value crossing parts is kept: one array of slots per Swift type.
    enum SlotKind: Int, CaseIterable {
        case arrays, scalars, masks, flags

        var field: String { ["arrays", "scalars", "masks", "flags"][rawValue] }
        var type: String { ["[Scalar]", "Scalar", "[Bool]", "Bool"][rawValue] }
        var empty: String { ["[]", "0", "[]", "false"][rawValue] }
    }

    private let statements: GraphStatements
    /// The ops of the forward pass (every node) and of the backward pass, as rendered.
    private let forward: [Int], backward: [Int]
    /// The field of `Nodes` that holds each node.
    private let nodeFields: [ValueID: String]
    /// The fields of `Gradient` that hold each gradient (one value may be the gradient of several
    /// variables).
    private let gradientFields: [ValueID: [String]]
    /// The slot of each other value that crosses parts.
    private var slots: [ValueID: (kind: SlotKind, index: Int)] = [:]
    private var slotCounts = [Int](repeating: 0, count: SlotKind.allCases.count)

    /// True when the graph's code is large enough to be outlined.
    static func isNeeded(_ statements: GraphStatements) -> Bool {
        let (forward, backward) = passes(statements)
        return inlineSize(statements, forward + backward) > sizeLimit
    }

    /// The size of the ops written inline, in scalar statements: an unrolled op's elements, a
    /// loop's up to 16 (`swiftc -O` unrolls short loops itself: a graph of 100 nodes over 8-element
    /// vectors compiled in 30 s with every op a loop, 20 s unrolled).
    static func inlineSize(_ statements: GraphStatements, _ ops: [Int]) -> Int {
        let graph = statements.graph, unroll = statements.lowering.unroll
        return ops.reduce(0) { total, i in
            let work = unroll.work(graph.ops[i], in: graph)
            return total + (unroll.unrolls(graph.ops[i], in: graph) ? work : min(work, 16))
        }
    }

    private static func passes(_ statements: GraphStatements) -> (forward: [Int], backward: [Int]) {
        let model = statements.model
        return (statements.rendered(computing: model.nodes),
                statements.rendered(computing: model.gradients, from: model.firstBackwardOp))
    }

    /// The number of parts of a pass of `count` ops.
    private static func parts(_ count: Int) -> Int { (count + partSize - 1) / partSize }

    init(_ statements: GraphStatements) {
        self.statements = statements
        (forward, backward) = Self.passes(statements)
        let graph = statements.graph, model = statements.model
        nodeFields = Dictionary(uniqueKeysWithValues: zip(model.nodes, model.spec.nodes.map(\.name)))
        gradientFields = Dictionary(zip(model.gradients, model.spec.variables.map { [$0.name] }), uniquingKeysWith: +)
        // The forward and the backward pass are cut into parts separately (`nodes()` runs only the
        // first), so the backward parts are numbered after the forward ones.
        var partOfOp = [Int: Int]()
        for (position, i) in forward.enumerated() { partOfOp[i] = position / Self.partSize }
        for (position, i) in backward.enumerated() { partOfOp[i] = Self.parts(forward.count) + position / Self.partSize }
        let producers = graph.producers
        var crossing = Set<ValueID>()
        for i in forward + backward {
            for id in statements.reads(graph.ops[i]) {
                if let producer = producers[id.index], partOfOp[producer] != partOfOp[i] { crossing.insert(id) }
            }
        }
        for id in crossing.sorted() where nodeFields[id] == nil {
            let kind = slotKind(id)
            slots[id] = (kind, slotCounts[kind.rawValue])
            slotCounts[kind.rawValue] += 1
        }
    }

    private func slotKind(_ id: ValueID) -> SlotKind {
        let isCondition = statements.renderer.conditions.contains(id)
        switch (statements.graph[id].shape.isScalar, isCondition) {
        case (false, false): return .arrays
        case (true, false): return .scalars
        case (false, true): return .masks
        case (true, true): return .flags
        }
    }

    /// Where the code holds a value computed before: its field in `_n`, its slot, or the property
    /// of an input or param (`owner` is `self` in the struct's methods, `_m` in a part).
    private func stored(_ id: ValueID, owner: String) -> String {
        if let field = nodeFields[id] { return "_n.\(field)" }
        if let slot = slots[id] { return "_s.\(slot.kind.field)[\(slot.index)]" }
        precondition(statements.graph[id].role == .variable, "\(statements.graph[id].name) has no slot")
        return "\(owner).\(statements.names[id])"
    }

    private var forwardParts: Int { Self.parts(forward.count) }
    private var backwardParts: Int { Self.parts(backward.count) }

    /// The body of `nodes()`: the forward parts fill the nodes.
    func emitNodes(_ w: inout CodeWriter) {
        w.line("var _n = Nodes()")
        w.line("var _s = _Slots()")
        for n in 0..<forwardParts { w.line("Self._nodesPart\(n)(self, &_s, &_n)") }
        w.line("return _n")
    }

    /// The body of `valueAndGradient()`: the forward parts fill the nodes, the backward parts the
    /// gradient.
    func emitValueAndGradient(_ w: inout CodeWriter) {
        w.line("var _n = Nodes()")
        w.line("var _s = _Slots()")
        for n in 0..<forwardParts { w.line("Self._nodesPart\(n)(self, &_s, &_n)") }
        statements.backwardHeading(&w)
        w.line("var _g = Gradient()")
        for n in 0..<backwardParts { w.line("Self._gradientPart\(n)(self, &_s, _n, &_g)") }
        // A gradient no backward op computes (none does today; the differentiator always ends with
        // an op) is copied here.
        let computed = Set(backward.map { statements.graph.ops[$0].output })
        for (id, fields) in gradientFields.sorted(by: { $0.key < $1.key }) where !computed.contains(id) {
            for field in fields { w.line("_g.\(field) = \(stored(id, owner: "self"))") }
        }
        w.line("return (_n.\(nodeFields[statements.model.output]!), _g)")
    }

    /// `_Slots`, every part and every kernel function.
    func emitFunctions(_ w: inout CodeWriter) {
        w.line("")
        w.doc("The values other than nodes that cross from one part of `nodes()` or `valueAndGradient()` to a",
              "later one (see `GraphOutliner` in nngen).")
        w.block("private struct _Slots {") { w in
            for kind in SlotKind.allCases {
                w.line("var \(kind.field) = [\(kind.type)](repeating: \(kind.empty), count: \(slotCounts[kind.rawValue]))")
            }
        }
        var kernels = KernelFunctions()
        for (pass, ops) in [("forward", forward), ("backward", backward)] {
            let (name, last) = pass == "forward" ? ("_nodesPart", "_ _n: inout Nodes") : ("_gradientPart", "_ _n: Nodes, _ _g: inout Gradient")
            for start in stride(from: 0, to: ops.count, by: Self.partSize) {
                let part = ops[start..<min(start + Self.partSize, ops.count)]
                SharedFunctions.emitFunction(doc: "Ops \(start + 1)–\(start + part.count) of the \(pass) pass, in a function of their own (see `GraphOutliner` in nngen).",
                                             declaration: "private static func \(name)\(start / Self.partSize)(_ _m: Self, _ _s: inout _Slots, \(last))", &w) { w in
                    emitPart(Array(part), &kernels, &w)
                }
            }
        }
        kernels.emit(&w)
    }

    private func isConstant(_ id: ValueID) -> Bool {
        if case .constant = statements.graph[id].role { return true }
        return false
    }

    /// A kernel function's argument: the value's name, or a constant's literal.
    private func argument(_ id: ValueID) -> String {
        if case .constant(let c) = statements.graph[id].role { return SwiftLiteral.real(c) }
        return statements.names[id]
    }

    /// Loads what the part reads from earlier parts, computes its ops by kernel calls, and stores
    /// the nodes, the gradients and what later parts read.
    private func emitPart(_ ops: [Int], _ kernels: inout KernelFunctions, _ w: inout CodeWriter) {
        let graph = statements.graph, names = statements.names
        var available = Set<ValueID>()
        for i in ops {
            for id in statements.reads(graph.ops[i]) where !isConstant(id) && available.insert(id).inserted {
                w.line("let \(names[id]) = \(stored(id, owner: "_m"))")
            }
            available.insert(graph.ops[i].output)
        }
        for i in ops {
            let op = graph.ops[i], reads = statements.reads(op)
            w.line("// " + op.comment.text)
            w.line("let \(names[op.output]) = " + kernels.call(for: op, reads: reads, arguments: reads.map(argument), statements))
        }
        for i in ops {
            let id = graph.ops[i].output, name = names[id]
            if let field = nodeFields[id] { w.line("_n.\(field) = \(name)") }
            for field in gradientFields[id] ?? [] where i >= statements.model.firstBackwardOp { w.line("_g.\(field) = \(name)") }
            if let slot = slots[id] { w.line("_s.\(slot.kind.field)[\(slot.index)] = \(name)") }
        }
    }
}

/// The kernel functions of an outlined graph, one per distinct text: an op's statements with the
/// values it reads as parameters `v0`, `v1`, … and its result `r`. A loop's length is a parameter
/// too (`_n`) when it is the only place the op's largest count appears, so that ops of one kind
/// over vectors of different lengths share a function: a graph of 1,000 nodes applying eight
/// different functions to 111 vectors of distinct lengths had 1,779 distinct kernels and compiled
/// in 57 s.
private struct KernelFunctions {
    private var functions = SharedFunctions(prefix: "_kernel")

    /// The call that computes `op` by a kernel function (made on first use), given the arguments.
    mutating func call(for op: Op, reads: [ValueID], arguments: [String], _ statements: GraphStatements) -> String {
        var renderer = statements.renderer
        for (n, id) in reads.enumerated() { renderer.renames[id] = "v\(n)" }
        renderer.renames[op.output] = "r"
        var body = CodeWriter()
        renderer.render(statements.lowering.kernel(op).body, output: op.output, &body)
        body.line("return r")
        var parameters = reads.enumerated().map { "_ v\($0.offset): \(renderer.type(of: $0.element))" }
        var arguments = arguments
        var lines = body.lines
        if let count = loopCount(op, statements), let generic = Self.replacing(count, in: lines) {
            lines = generic
            parameters.append("_ _n: Int")
            arguments.append("\(count)")
        }
        let signature = "(\(parameters.joined(separator: ", "))) -> \(renderer.type(of: op.output))"
        return "Self.\(functions.name(signature: signature, body: lines))(\(arguments.joined(separator: ", ")))"
    }

    /// The largest count among the op's arrays when the op loops over it (longer than the unroll
    /// limit), else nil.
    private func loopCount(_ op: Op, _ statements: GraphStatements) -> Int? {
        let count = ([op.output] + op.inputs).map { statements.graph[$0].shape.count }.max() ?? 0
        return count > statements.lowering.unroll.limit ? count : nil
    }

    /// The lines with `count` as a loop bound (`..<count`) and an array length (`count: count)`)
    /// spelled `_n`, or nil when `count` appears anywhere else (an index stride, a divisor), where
    /// a parameter would change the text's meaning or type.
    static func replacing(_ count: Int, in lines: [String]) -> [String]? {
        let literal = "\(count)"
        var changed = false
        var result: [String] = []
        for line in lines {
            var line = line
            for (from, to) in [("..<\(literal) ", "..<_n "), ("count: \(literal))", "count: _n)")] where line.contains(from) {
                line = line.replacingOccurrences(of: from, with: to)
                changed = true
            }
            if containsNumber(literal, line) { return nil }
            result.append(line)
        }
        return changed ? result : nil
    }

    /// True when `number` occurs in `line` as a token of its own (not inside a name or a longer
    /// number).
    private static func containsNumber(_ number: String, _ line: String) -> Bool {
        let characters = Array(line), digits = Array(number)
        func partOfToken(_ i: Int) -> Bool {
            guard characters.indices.contains(i) else { return false }
            let c = characters[i]
            return c.isLetter || c.isNumber || c == "_" || c == "."
        }
        guard characters.count >= digits.count else { return false }
        return (0...(characters.count - digits.count)).contains { start in
            Array(characters[start..<start + digits.count]) == digits && !partOfToken(start - 1) && !partOfToken(start + digits.count)
        }
    }

    func emit(_ w: inout CodeWriter) {
        functions.emit(doc: "A kernel shared by the ops above that compute the same thing (see `GraphOutliner` in nngen).", modifiers: "private ", &w)
    }
}

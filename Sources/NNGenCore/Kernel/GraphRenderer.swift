/// Renders kernels in the code of a graph, where every value is a Swift value: a scalar a
/// `Scalar` local or stored property, a vector or matrix a `[Scalar]` (row-major), a comparison
/// that only selects a `Bool`. Each kernel becomes the declaration of its output: a `let` with the
/// value itself where the kernel states every element once, in order, else a `var` the kernel fills.
struct GraphRenderer: KernelRenderer {
    let graph: Graph
    let names: GraphValueNames
    /// Comparisons kept as `Bool`.
    let conditions: Set<ValueID>
    /// Values spelled otherwise than by their names: an outlined kernel's parameters and result
    /// (see `GraphOutliner`).
    var renames: [ValueID: String] = [:]

    /// The Swift name of `id` in the code being rendered.
    func name(_ id: ValueID) -> String { renames[id] ?? names[id] }

    /// Element `index` of `id`: the name of a scalar, the element of an array.
    func spell(_ id: ValueID, _ index: String?) -> String {
        graph[id].shape.isScalar ? name(id) : "\(name(id))[\(index!)]"
    }

    /// The Swift type of `id`: `Scalar` or `Bool` (a comparison that only selects), in an array
    /// unless `id` is a scalar.
    func type(of id: ValueID) -> String {
        let element = conditions.contains(id) ? "Bool" : "Scalar"
        return graph[id].shape.isScalar ? element : "[\(element)]"
    }

    /// Declares `output` and computes it with `statements`.
    func render(_ statements: [KernelStatement], output: ValueID, _ w: inout CodeWriter) {
        let name = name(output), shape = graph[output].shape
        let type = conditions.contains(output) ? "Bool" : "Scalar"
        if shape.isScalar, statements.count == 1, case .store(output, nil, .set, let value) = statements[0] {
            w.line("let \(name): \(type) = \(text(value))")
        } else if let elements = elementsInOrder(statements, output) {
            w.list("let \(name): [\(type)] = [", elements.map(text), "]")
        } else if statements.count == 1, case .fill(output, let value) = statements[0] {
            w.line("let \(name) = [\(type)](repeating: \(text(value)), count: \(shape.count))")
        } else if statements.count == 1, case .copy(output, let source) = statements[0] {
            w.line("let \(name) = \(self.name(source))")
        } else if shape.isScalar {
            // Assigned once, inside the scope that holds the kernel's locals.
            w.line("let \(name): \(type)")
            w.block("do {") { w in render(statements, &w) }
        } else {
            w.line("var \(name) = [\(type)](repeating: \(type == "Bool" ? "false" : "0"), count: \(shape.count))")
            if statements.contains(where: \.declaresLocal) {
                w.block("do {") { w in render(statements, &w) }
            } else {
                render(statements, &w)
            }
        }
    }

    /// The expressions of elements 0, 1, … when the statements store exactly those, in order.
    private func elementsInOrder(_ statements: [KernelStatement], _ output: ValueID) -> [SwiftExpression]? {
        guard !graph[output].shape.isScalar, statements.count == graph[output].shape.count else { return nil }
        var elements: [SwiftExpression] = []
        for (e, statement) in statements.enumerated() {
            guard case .store(output, .int(e), .set, let value) = statement else { return nil }
            elements.append(value)
        }
        return elements
    }

    func renderStorage(_ statement: KernelStatement, _ w: inout CodeWriter) {
        preconditionFailure("\(statement) does not occur in the code of a graph: its arrays are values")
    }
}

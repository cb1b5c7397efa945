/// Moves the kernels of a large function into functions of their own, one per distinct text, so
/// that the emitted code of a large model compiles in time linear in its size.
///
/// Issue "Reliability, round 2" measured `swiftc -O` on one function holding every kernel of a
/// model: its time grew about 4× per doubling of the layers (50 dense layers of 16 units: 31 s),
/// because the optimizer's passes are superlinear in a function's size. Outlined, a kernel is
/// rendered with every stored value and scratch pointer it touches as a parameter (`v0`, `v1`, …
/// in the order the body first uses them) and its fused locals numbered (`f0`, …), so the kernels of layers of one shape have the same
/// text and share one `@inline(never)` function; the large function becomes a list of calls.
final class KernelOutliner {
    /// A function is outlined when it would compute more kernels than this. Below it, a model's
    /// kernels stay inline, where the compiler sees their pointers' distinct offsets.
    static let kernelLimit = 48

    /// Where an outlined function's parameter points.
    enum Source: Hashable {
        /// A stored value.
        case value(ValueID)
        /// A planned temporary in the scratch.
        case scratch(Int)
    }

    /// The parameters of one kernel being outlined, numbered as its body first uses them.
    final class Parameters {
        private(set) var sources: [Source] = []
        private var numbers: [Source: Int] = [:]

        private var locals: [ValueID: Int] = [:]

        /// The name in the outlined body of a fused value's local: `f0`, `f1`, … as first used.
        func local(for id: ValueID) -> String {
            if let n = locals[id] { return "f\(n)" }
            locals[id] = locals.count
            return "f\(locals.count - 1)"
        }

        /// The parameter's name in the outlined body.
        func name(for source: Source) -> String {
            if let n = numbers[source] { return "v\(n)" }
            numbers[source] = sources.count
            sources.append(source)
            return "v\(sources.count - 1)"
        }
    }

    private let plan: ExecutionPlan
    private let names: ValueNames
    /// The outlined kernels.
    private var functions: SharedFunctions

    /// `prefix` starts the name of every outlined kernel (one per lowering of the model).
    init(plan: ExecutionPlan, names: ValueNames, prefix: String) {
        self.plan = plan
        self.names = names
        functions = SharedFunctions(prefix: prefix)
    }

    /// The most kernels one part of an outlined function calls.
    static let partSize = 32

    /// The parts of the large functions: consecutive calls, with the pointers they pass.
    private var parts: [(function: String, name: String, signature: String, body: [String])] = []
    private var partCounts: [String: Int] = [:]

    /// The statement that calls a new part of `function`, which runs `body` with the function's
    /// parameters.
    func part(of function: String, parameters signature: String, arguments: String, body: [String]) -> String {
        let number = partCounts[function, default: 0]
        partCounts[function] = number + 1
        let name = "\(function)Part\(number)"
        parts.append((function, name, signature, body))
        return "Self.\(name)(\(arguments))"
    }

    /// The statement that computes `kernel` by a call of its outlined function (made on first
    /// use), and the stored values it passes.
    func call(_ kernel: Kernel) -> (call: String, values: [ValueID]) {
        let parameters = Parameters()
        var body = CodeWriter()
        NetworkRenderer(plan: plan, names: names, outlined: parameters).render(kernel.body, &body)
        let signature = parameters.sources.enumerated().map { "_ v\($0.offset): \(type(of: $0.element))" }.joined(separator: ", ")
        let name = functions.name(signature: "(\(signature))", body: body.lines)
        let values = parameters.sources.compactMap { source -> ValueID? in
            if case .value(let id) = source { return id }
            return nil
        }
        return ("Self.\(name)(\(parameters.sources.map(argument).joined(separator: ", ")))", values)
    }

    /// Writes every part and every outlined function.
    func emit(_ w: inout CodeWriter) {
        for part in parts {
            SharedFunctions.emitFunction(doc: "Consecutive kernels of `\(part.function)`, in a function of their own (see `KernelOutliner` in nngen).",
                                         declaration: "static func \(part.name)(\(part.signature))", &w) { w in
                for line in part.body { w.line(line) }
            }
        }
        functions.emit(doc: "A kernel shared by the calls of the large functions above (see `KernelOutliner` in nngen).", modifiers: "", &w)
    }

    /// The parameter type for a source: read-only for parameters and the caller's data.
    private func type(of source: Source) -> String {
        guard case .value(let id) = source, case .pointer(let base, _) = plan.location(id) else { return "UnsafeMutablePointer<Scalar>" }
        switch base {
        case "y": return "UnsafePointer<Int>"
        case "p", "x", "t", "m": return "UnsafePointer<Scalar>"
        default: return "UnsafeMutablePointer<Scalar>"
        }
    }

    /// The argument the large function passes for a source.
    private func argument(_ source: Source) -> String {
        switch source {
        case .value(let id): return names[id]
        case .scratch(let offset): return "s.advanced(by: \(offset))"
        }
    }
}

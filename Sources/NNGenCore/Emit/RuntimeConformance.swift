/// Emits a network's conformance to NNGenRuntime's protocols, compiled when the module can import
/// it: `GeneratedNetwork` (safetensors files, `predict` on a data set) and, with a loss,
/// `TrainableNetwork` (`fit`, `evaluate`, checkpoints), whose uniform `expected:` methods
/// forward to the model's `labels:` or `targets:` ones.
enum RuntimeConformance {
    static func emit(_ model: NetworkModel, _ w: inout CodeWriter) {
        let name = model.spec.name
        w.line("#if canImport(NNGenRuntime)")
        guard let loss = model.spec.loss else {
            w.doc("`save(to:)`, `init(contentsOf:layout:)` and the data-set functions of NNGenRuntime.")
            w.line("extension \(name): GeneratedNetwork {}")
            w.line("extension \(name).Workspace: ModelWorkspace {}")
            w.line("#endif")
            return
        }
        let (label, target, perExample) = loss.takesLabels ? ("labels", "Int", "1") : ("targets", "Scalar", "outputCount")
        w.doc("`save(to:)`, `init(contentsOf:layout:)`, and `fit`, `evaluate` and checkpoints of NNGenRuntime.")
        w.block("extension \(name): TrainableNetwork {") { w in
            w.line("public typealias Target = \(target)")
            w.doc(loss.takesLabels ? "One class index per example." : "`outputCount` targets per example.")
            w.line("public static var targetsPerExample: Int { \(perExample) }")
            w.line("")
            w.doc("`loss(inputs:\(label):workspace:)`.")
            w.block("public func loss(inputs: UnsafeBufferPointer<Scalar>, expected: UnsafeBufferPointer<\(target)>, workspace: inout Workspace) throws -> Scalar {") { w in
                w.line("try loss(inputs: inputs, \(label): expected, workspace: &workspace)")
            }
            w.line("")
            w.doc("`trainStep(inputs:\(label):workspace:)`.")
            w.block("public mutating func trainStep(inputs: UnsafeBufferPointer<Scalar>, expected: UnsafeBufferPointer<\(target)>, workspace: inout Workspace) throws -> Scalar {") { w in
                w.line("try trainStep(inputs: inputs, \(label): expected, workspace: &workspace)")
            }
        }
        w.line("extension \(name).Workspace: ModelWorkspace {}")
        w.line("#endif")
    }
}

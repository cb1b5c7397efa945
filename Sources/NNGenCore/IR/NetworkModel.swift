/// One parameter array of the flat vector (`W1`, `b1`, … or `<name>_W`, `<name>_b`).
public struct ParameterInfo: Sendable {
    public enum Kind: Sendable { case weight, bias }
    /// The name in the layout (`W1`, or `hidden_W` for a layer named `hidden`).
    public var name: String
    public var kind: Kind
    /// Where it starts in the flat vector.
    public var offset: Int
    /// Its shape as docs/SPEC-LANGUAGE.md lays it out (`[fan_in, units]`, `[pieces, fan_in, units]`, …).
    public var shape: [Int]
    /// 1-based number of the parameterized layer that owns it.
    public var layer: Int
    /// How it starts (weights only; biases start at `InitSpec.bias`).
    public var initialization: WeightInit
    public var fanIn: Int
    public var fanOut: Int
    /// The IR values that view it (one, or one per maxout piece).
    public var slices: [ValueID]
    /// Its tensor name in a safetensors file: `W1`, `b1`, or `<name>.W`, `<name>.b` for a named layer.
    public var tensorName: String
    /// Its name in a PyTorch `state_dict` (`<name>.weight` of shape `[units, fan_in]`,
    /// `<name>.bias`): named dense layers only, which correspond to `nn.Linear` modules.
    public var pytorchName: String?
    /// Element count.
    public var count: Int { shape.reduce(1, *) }
}

/// A network spec lowered to the IR: forward pass, loss, and (with a loss) the backward pass.
public struct NetworkModel: Sendable {
    public let spec: NetworkSpec
    public let graph: Graph
    /// `[batch, input]`.
    public let inputs: ValueID
    /// `[batch]` class indices, for label losses.
    public let labels: ValueID?
    /// `[batch, outputs]` real targets, for mean squared error.
    public let targets: ValueID?
    /// `[batch, outputs]`.
    public let scores: ValueID
    /// The scalar loss including regularization (nil for inference-only specs).
    public let loss: ValueID?
    public let parameters: [ParameterInfo]
    /// For every parameter slice, the value holding dL/d(slice); empty without a loss.
    public let gradients: [(slice: ValueID, adjoint: ValueID)]
    /// For each layer of the spec, the range of `graph.ops` that computes it.
    public let layerOps: [Range<Int>]
    public var parameterCount: Int { parameters.last.map { $0.offset + $0.count } ?? 0 }
    public var outputCount: Int { graph[scores].shape.dims[1] }
}

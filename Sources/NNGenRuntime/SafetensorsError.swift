/// Why a safetensors file could not be read or written: the file, the tensor when one is to
/// blame, the kind of problem and a sentence that says what was expected and what was found.
public struct SafetensorsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kinds of problem, for code that handles some of them.
    public enum Problem: Sendable, Equatable {
        /// The file could not be opened, read, written or renamed (the system's reason is in the message).
        case io
        /// The file is shorter than its header says.
        case truncated
        /// The header is not a safetensors header: its size, its JSON, or a tensor entry's fields.
        case header
        /// A tensor the model needs is absent.
        case missingTensor
        /// A tensor the model does not have is present.
        case unexpectedTensor
        /// A tensor has another element type than the model's.
        case dtype
        /// A tensor has another shape than the model's.
        case shape
        /// Data offsets outside the data, overlapping, leaving a gap, or disagreeing with the shape.
        case offsets
        /// A NaN or an infinity among the values.
        case nonFinite
        /// The model cannot be written or read in the requested layout.
        case layout
    }

    /// The file read or written.
    public var path: String
    /// The tensor concerned, if the problem is with one tensor.
    public var tensor: String?
    public var problem: Problem
    /// What was expected and what was found.
    public var message: String

    public init(path: String, tensor: String? = nil, problem: Problem, message: String) {
        self.path = path
        self.tensor = tensor
        self.problem = problem
        self.message = message
    }

    public var description: String { "\(path): " + (tensor.map { "tensor '\($0)': " } ?? "") + message }
}

import ArgumentParser
import Foundation
import NNGenCore

/// Reads and validates one spec for `explain` and `graph`; prints its diagnostics and fails when
/// it has errors.
func loadSpec(_ path: String) throws -> Spec {
    guard let text = readSpec(path) else { throw ExitCode.failure }
    do {
        return try SpecParser.parse(text, path: path)
    } catch {
        printError(error.description)
        throw ExitCode.failure
    }
}

/// The `--at` values for a graph spec; an error for a network spec, whose inputs are batches.
func atValues(_ assignments: [String], _ spec: Spec) throws -> [[Double]]? {
    do {
        switch spec {
        case .graph(let graph): return try AtValues.parse(assignments, for: graph)
        case .network:
            guard assignments.isEmpty else {
                throw UsageError("--at gives values to the inputs and params of a graph spec; a network spec is explained by its shapes")
            }
            return nil
        }
    } catch let error as UsageError {
        printError("error: \(error.description)")
        throw ExitCode.failure
    }
}

extension NNGen {
    /// `nngen explain SPEC [--at NAME=VALUE ...]`: the forward and backward passes, step by step.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the forward pass and the chain rule's backward pass, step by step.",
            discussion: """
                For a graph spec with --at values: every node's value, then every edge's upstream \
                gradient, local gradient and their product, then the gradient of every input and param. \
                Without --at, the formulas alone. For a network spec: layer by layer, with shapes.
                """)

        @Argument(help: "A spec file (.yaml).")
        var spec: String

        @Option(name: .customLong("at"), help: ArgumentHelp("A value for an input or param: x=-2, or a YAML flow list such as W=[[0.1, 0.5], [-0.3, 0.8]].", valueName: "NAME=VALUE"))
        var values: [String] = []

        func run() throws {
            let parsed = try loadSpec(spec)
            let at = try atValues(values, parsed)
            switch parsed {
            case .graph(let graph):
                print(GraphExplainer.explain(GraphLowering.lower(graph), at: at, sourceName: spec), terminator: "")
            case .network(let network):
                print(NetworkExplainer.explain(NetworkLowering.lower(network), sourceName: spec), terminator: "")
            }
        }
    }

    /// `nngen graph SPEC [--at ...] [-o FILE.dot]`: the computational graph in Graphviz DOT.
    struct Draw: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph",
            abstract: "Write the computational graph in Graphviz DOT (render with `dot -Tsvg FILE.dot`).",
            discussion: "With --at, each edge carries its forward value and its gradient, as in the lecture's figures.")

        @Argument(help: "A spec file (.yaml).")
        var spec: String

        @Option(name: .customLong("at"), help: ArgumentHelp("A value for an input or param, as for `explain`.", valueName: "NAME=VALUE"))
        var values: [String] = []

        @Option(name: .shortAndLong, help: "The .dot file to write (standard output when absent).")
        var output: String?

        @Flag(help: "Replace an output file that nngen did not write (without it, such a file stops the run).")
        var force = false

        func run() throws {
            let parsed = try loadSpec(spec)
            let at = try atValues(values, parsed)
            let dot: String
            switch parsed {
            case .graph(let graph): dot = GraphDrawing.dot(GraphLowering.lower(graph), at: at)
            case .network(let network): dot = GraphDrawing.dot(NetworkLowering.lower(network))
            }
            guard let output else { return print(dot, terminator: "") }
            try writeOutputs([(URL(fileURLWithPath: output), dot)], force: force)
        }
    }
}

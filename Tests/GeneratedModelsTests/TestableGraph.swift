import GeneratedModels
import NNGenCore
import XCTest

// The generated graph structs, built from arrays in the spec's order (see `TestableGraph`).

extension SimpleGraph: TestableGraph {
    static let spec = "graph_chain_rule"
    static func make(_ v: [[Double]]) throws -> Self { Self(x: v[0][0], y: v[1][0], z: v[2][0]) }
}

extension SquaredNormOfWx: TestableGraph {
    static let spec = "graph_squared_norm"
    static func make(_ v: [[Double]]) throws -> Self { try Self(W: v[0], x: v[1]) }
}

extension TwoLayerGraph: TestableGraph {
    static let spec = "graph_two_layer"
    static func make(_ d: [[Double]]) throws -> Self {
        let v = d.map { $0.map(Float.init) }
        return try Self(W1: v[0], b1: v[1], W2: v[2], b2: v[3], x: v[4], t: v[5])
    }
}

/// The memberwise init of `ElementwiseOps`, as both the fused and the unfused module emit it, so that
/// one `make` serves both.
protocol ElementwiseOpsInit {
    init(
        add_a: [Double],
        add_b: Double,
        sub_a: Double,
        sub_b: [Double],
        mul_a: [Double],
        mul_b: [Double],
        div_a: [Double],
        div_b: Double,
        max_a: [Double],
        max_b: [Double],
        min_a: [Double],
        min_b: Double,
        lit_a: [Double],
        neg_x: [Double],
        exp_x: [Double],
        log_x: [Double],
        square_x: Double,
        sqrt_x: [Double],
        sigmoid_x: [Double],
        tanh_x: [Double],
        relu_x: [Double],
        leaky_x: [Double],
        elu_x: [Double],
        elu_default_x: [Double],
        leaky_default_x: [Double],
        softplus_x: [Double],
        silu_x: [Double],
        gelu_x: [Double]) throws
}

extension ElementwiseOpsInit {
    static func make(_ v: [[Double]]) throws -> Self {
        try Self(
            add_a: v[0],
            add_b: v[1][0],
            sub_a: v[2][0],
            sub_b: v[3],
            mul_a: v[4],
            mul_b: v[5],
            div_a: v[6],
            div_b: v[7][0],
            max_a: v[8],
            max_b: v[9],
            min_a: v[10],
            min_b: v[11][0],
            lit_a: v[12],
            neg_x: v[13],
            exp_x: v[14],
            log_x: v[15],
            square_x: v[16][0],
            sqrt_x: v[17],
            sigmoid_x: v[18],
            tanh_x: v[19],
            relu_x: v[20],
            leaky_x: v[21],
            elu_x: v[22],
            elu_default_x: v[23],
            leaky_default_x: v[24],
            softplus_x: v[25],
            silu_x: v[26],
            gelu_x: v[27])
    }
}

extension ElementwiseOps: ElementwiseOpsInit, TestableGraph {
    static let spec = "graph_elementwise_ops"
}

extension PowOps: TestableGraph {
    static let spec = "graph_pow"
    static func make(_ v: [[Double]]) throws -> Self {
        try Self(a: v[0], b_nonzero: v[1], c: v[2], d: v[3][0], e_nonzero: v[4], w: v[5])
    }
}

/// The memberwise init of `LinearAlgebraOps`, as both the fused and the unfused module emit it, so that
/// one `make` serves both.
protocol LinearAlgebraOpsInit {
    init(
        A: [Double],
        B: [Double],
        C: [Double],
        D: [Double],
        M: [Double],
        u: [Double],
        N: [Double],
        v: [Double],
        w: [Double],
        P: [Double],
        T: [Double],
        U: [Double],
        a: [Double],
        b: [Double],
        c: [Double],
        e: [Double],
        s: [Double],
        m: [Double],
        q: [Double],
        sq: [Double]) throws
}

extension LinearAlgebraOpsInit {
    static func make(_ v: [[Double]]) throws -> Self {
        try Self(
            A: v[0],
            B: v[1],
            C: v[2],
            D: v[3],
            M: v[4],
            u: v[5],
            N: v[6],
            v: v[7],
            w: v[8],
            P: v[9],
            T: v[10],
            U: v[11],
            a: v[12],
            b: v[13],
            c: v[14],
            e: v[15],
            s: v[16],
            m: v[17],
            q: v[18],
            sq: v[19])
    }
}

extension LinearAlgebraOps: LinearAlgebraOpsInit, TestableGraph {
    static let spec = "graph_linear_algebra_ops"
}

/// The memberwise init of `ResidualGraph`, as both the fused and the unfused module emit it, so that
/// one `make` serves both.
protocol ResidualGraphInit {
    init(
        W1: [Double],
        b1: [Double],
        W2: [Double],
        b2: [Double],
        W3: [Double],
        b3: [Double],
        W4: [Double],
        b4: [Double],
        W5: [Double],
        b5: [Double],
        W6: [Double],
        b6: [Double],
        W7: [Double],
        b7: [Double],
        W8: [Double],
        b8: [Double],
        x: [Double],
        t: [Double]) throws
}

extension ResidualGraphInit {
    static func make(_ v: [[Double]]) throws -> Self {
        try Self(
            W1: v[0],
            b1: v[1],
            W2: v[2],
            b2: v[3],
            W3: v[4],
            b3: v[5],
            W4: v[6],
            b4: v[7],
            W5: v[8],
            b5: v[9],
            W6: v[10],
            b6: v[11],
            W7: v[12],
            b7: v[13],
            W8: v[14],
            b8: v[15],
            x: v[16],
            t: v[17])
    }
}

/// Emitted in parts (its code is past `GraphOutliner.sizeLimit`), so the graph checks cover the
/// outlined form.
extension ResidualGraph: ResidualGraphInit, TestableGraph {
    static let spec = "graph_residual"
}

/// The linear-algebra ops emitted in parts (a long scalar chain after them puts the graph past
/// `GraphOutliner.sizeLimit`): the same inputs, so the same `make`.
extension LinearAlgebraOpsInParts: LinearAlgebraOpsInit, TestableGraph {
    static let spec = "graph_linear_algebra_ops_in_parts"
}

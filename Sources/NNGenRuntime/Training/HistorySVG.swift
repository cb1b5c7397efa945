extension History {
    /// The curves as an SVG picture: a panel of the losses (`loss`, `val_loss`) and, when there
    /// are any, a panel of the other metrics (`val_accuracy`, `val_mse`, …), one polyline per
    /// metric over the epochs, with axes, tick labels and a legend. Written atomically.
    public func writeSVG(to path: String) throws(SafetensorsError) {
        try FileIO.writeAtomically(Array(svg().utf8), to: path)
    }

    /// The SVG text of `writeSVG(to:)`.
    public func svg() -> String {
        let losses = metricNames.filter { $0.hasSuffix("loss") }
        let others = metricNames.filter { !$0.hasSuffix("loss") }
        let panels = [("loss", losses), ("metrics", others)].filter { !$0.1.isEmpty }
        let panelWidth = 420.0, height = 300.0
        let width = panelWidth * Double(max(panels.count, 1))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
        for (p, (title, names)) in panels.enumerated() {
            let left = Double(p) * panelWidth + 55, right = Double(p + 1) * panelWidth - 15, top = 30.0, bottom = height - 40
            let all = names.flatMap { self.values(of: $0) }.filter(\.isFinite)
            var low = all.min() ?? 0, high = all.max() ?? 1
            if high - low < 1e-12 { (low, high) = (low - 0.5, high + 0.5) }
            let epochs = max(self.epochs.count, 2)
            func x(_ i: Int) -> Double { left + (right - left) * Double(i) / Double(epochs - 1) }
            func y(_ v: Double) -> Double { bottom - (bottom - top) * (v - low) / (high - low) }
            svg += "<g class=\"panel\" id=\"\(title)\">\n"
            svg += "<text x=\"\(format(left))\" y=\"18\" font-size=\"13\">\(title == "loss" ? "Loss" : "Metrics") per epoch</text>\n"
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(bottom))\" x2=\"\(format(right))\" y2=\"\(format(bottom))\" stroke=\"black\"/>\n"
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(top))\" x2=\"\(format(left))\" y2=\"\(format(bottom))\" stroke=\"black\"/>\n"
            for k in 0...4 {
                let v = low + (high - low) * Double(k) / 4
                svg += "<text x=\"\(format(left - 5))\" y=\"\(format(y(v) + 4))\" text-anchor=\"end\">\(format(v, digits: 3))</text>\n"
            }
            for k in 0...min(4, self.epochs.count - 1) where self.epochs.count > 1 {
                let i = (self.epochs.count - 1) * k / 4
                svg += "<text x=\"\(format(x(i)))\" y=\"\(format(bottom + 15))\" text-anchor=\"middle\">\(self.epochs[i].epoch)</text>\n"
            }
            svg += "<text x=\"\(format((left + right) / 2))\" y=\"\(format(height - 8))\" text-anchor=\"middle\">epoch</text>\n"
            for (c, name) in names.enumerated() {
                let color = colors[c % colors.count]
                let points = self.values(of: name).enumerated().filter { $0.element.isFinite }.map { "\(format(x($0.offset))),\(format(y($0.element)))" }
                svg += "<polyline class=\"curve\" data-metric=\"\(name)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
                svg += "<text x=\"\(format(right - 100))\" y=\"\(format(top + 14 * Double(c)))\" fill=\"\(color)\">\(name)</text>\n"
            }
            svg += "</g>\n"
        }
        return svg + "</svg>\n"
    }

    /// `v` with at most `digits` decimals, trailing zeros dropped (no Foundation formatting).
    private func format(_ v: Double, digits: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (v * scale).rounded() / scale
        let text = String(rounded)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}

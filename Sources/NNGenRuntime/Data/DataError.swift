/// Why a data file could not be read or a data set could not be made: the file, where in it (a
/// 1-based line and column when known) and what was expected and found.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file read, or a description of the data (`"dataset"`).
    public var path: String
    /// 1-based line of the problem, when it has one.
    public var line: Int?
    /// 1-based column: the field of a CSV line, the character of a `.npy` header.
    public var column: Int?
    /// What was expected and what was found.
    public var message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `path:line:column: message`, as compilers write it.
    public var description: String {
        path + (line.map { ":\($0)" } ?? "") + (column.map { ":\($0)" } ?? "") + ": " + message
    }
}

extension FileIO {
    /// The whole file at `path`, at most `limit` bytes (a larger file is an error, read no further).
    static func readAll(_ path: String, limit: Int) throws(DataError) -> [UInt8] {
        do {
            let reader = try Reader(path)
            var bytes: [UInt8] = []
            while true {
                let chunk = try reader.read(upTo: 1 << 20)
                bytes += chunk
                guard bytes.count <= limit else { throw DataError(path: path, message: "larger than the limit of \(limit) bytes") }
                if chunk.count < 1 << 20 { return bytes }
            }
        } catch let error as SafetensorsError {
            throw DataError(path: path, message: error.message)
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError(path: path, message: "\(error)")
        }
    }
}

import Fluent
import Vapor

/// `?limit=&offset=` on a list: never more than 100 rows in one answer (50 unless asked), and
/// a `Link: <…>; rel="next"` header while there is more, so a list stays an array.
struct Paging: Sendable {
    static let maxLimit = 100
    static let maxOffset = 100_000

    let limit: Int
    let offset: Int

    /// Everything, for the export (a person's own rows, which they may take whole).
    static let all = Paging(limit: Int(Int32.max) - 1)

    init(limit: Int = 50, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }

    init(_ req: Request, defaultLimit: Int = 50) throws {
        let limitText: String? = req.query["limit"]
        let offsetText: String? = req.query["offset"]
        let limit = limitText.map { Int($0) } ?? defaultLimit
        let offset = offsetText.map { Int($0) } ?? 0
        guard let limit, (1...Self.maxLimit).contains(limit) else {
            throw Problem(status: .badRequest, detail: "limit must be a whole number from 1 to \(Self.maxLimit).")
        }
        guard let offset, (0...Self.maxOffset).contains(offset) else {
            throw Problem(status: .badRequest, detail: "offset must be a whole number from 0 to \(Self.maxOffset).")
        }
        self.init(limit: limit, offset: offset)
    }

    /// One row more than a page, so we know whether there is a next one.
    func apply<M: Model>(_ query: QueryBuilder<M>) -> QueryBuilder<M> {
        query.range(offset..<(offset + limit + 1))
    }

    /// The page's rows, with the `Link` header when rows were left for the next page.
    func respond<T: Content>(_ rows: [T], for req: Request) async throws -> Response {
        let response = try await Array(rows.prefix(limit)).encodeResponse(for: req)
        if rows.count > limit { addNextLink(to: response, for: req) }
        return response
    }

    /// For an answer holding several paged lists: the next page of each is at the same offset.
    func addNextLink(to response: Response, for req: Request) {
        var components = URLComponents()
        components.path = req.url.path
        components.queryItems = [URLQueryItem(name: "limit", value: "\(limit)"), URLQueryItem(name: "offset", value: "\(offset + limit)")]
        response.headers.replaceOrAdd(name: .link, value: "<\(components.string ?? req.url.path)>; rel=\"next\"")
    }
}

/// The web's version: `?page=2`, a fixed page size, and links to the neighbouring pages. A
/// page number that makes no sense shows the first page rather than an error.
struct WebPaging: Sendable {
    struct Links: Encodable {
        let newer: String?
        let older: String?
    }

    let page: Int
    let paging: Paging

    init(_ req: Request, size: Int) {
        let asked = (req.query["page"] as String?).flatMap { Int($0) } ?? 1
        page = (1...(Paging.maxOffset / size)).contains(asked) ? asked : 1
        paging = Paging(limit: size, offset: (page - 1) * size)
    }

    /// `rows` as fetched (one more than a page when there is another).
    func links(to path: String, fetched rows: Int) -> Links {
        Links(newer: page > 1 ? "\(path)?page=\(page - 1)" : nil,
              older: rows > paging.limit ? "\(path)?page=\(page + 1)" : nil)
    }
}

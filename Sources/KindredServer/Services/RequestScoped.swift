import Fluent
import Vapor

/// A service working on one request's database with the app's services. Each service
/// keeps just `db` and `services` (so Swift writes `init(db:services:)` for it, used
/// inside transactions and commands); this adds the `init(_ req:)` handlers use.
protocol RequestScoped {
    init(db: any Database, services: KindredServices)
}

extension RequestScoped {
    init(_ req: Request) {
        self.init(db: req.db, services: req.kindred)
    }
}

import Fluent
import KindredCore
import Vapor

/// The couple's say over the day's question in the browser — pass, swap, nudge, reactions —
/// and the page where they choose its decks and depth.
struct DailyReturnPagesController: RouteCollection {
    let practise = PractisePagesController()

    func boot(routes: any RoutesBuilder) throws {
        routes.post(.todayPass, use: pass)
        routes.post(.todaySwap, use: swap)
        routes.post(.nudge, use: nudge)
        routes.post(.dayReaction, use: reactToDay)
        routes.post(.appreciationReaction, use: reactToAppreciation)
        routes.get(.themes, use: themes)
        routes.post(.themes, use: saveThemes)
    }

    /// Refusals (409) come back as a message on the page they came from, never an error page.
    private func attempt(_ req: Request, back: SiteURL, success: Flash, _ action: () async throws -> Void) async throws -> Response {
        do {
            try await action()
            return req.redirect(to: back, flash: success)
        } catch let problem as Problem where problem.status == .conflict {
            return req.redirect(to: back, flash: Flash.refusal(code: problem.code))
        }
    }

    func pass(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        return try await attempt(req, back: .today(context.bondID), success: .passed) {
            _ = try await TodayService(req).pass(in: context.loaded, by: context.user)
        }
    }

    func swap(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        return try await attempt(req, back: .today(context.bondID), success: .swapped) {
            _ = try await TodayService(req).swap(in: context.loaded, by: context.user)
        }
    }

    func nudge(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let back: SiteURL = (try? req.content.get(String.self, at: "back")) == "home" ? .bond(context.bondID) : .today(context.bondID)
        return try await attempt(req, back: back, success: .nudged) {
            try await NudgeService(req).nudge(in: context.loaded, by: context.user)
        }
    }

    /// A reaction button's value, or `none` to take the reaction back.
    private func chosenReaction(_ req: Request) throws -> Reaction? {
        let raw = try? req.content.get(String.self, at: "reaction")
        if raw == "none" { return nil }
        return try ReactionService.parse(raw)
    }

    func reactToDay(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let day = try await practise.existingDay(req, context)
        let back: SiteURL = (try? req.content.get(String.self, at: "back")) == "today" ? .today(context.bondID) : .day(context.bondID, day.description)
        let reaction: Reaction?
        do { reaction = try chosenReaction(req) } catch { return req.redirect(to: back) }
        return try await attempt(req, back: back, success: reaction == nil ? .reactionRemoved : .reacted) {
            _ = try await ReactionService(req).react(reaction, toDay: day, in: context.loaded, by: context.user)
        }
    }

    func reactToAppreciation(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        guard let id = req.parameters.get("appreciationID").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("There is no such appreciation in this bond.")
        }
        let back = SiteURL.appreciations(context.bondID)
        let reaction: Reaction?
        do { reaction = try chosenReaction(req) } catch { return req.redirect(to: back) }
        return try await attempt(req, back: back, success: reaction == nil ? .reactionRemoved : .reacted) {
            _ = try await ReactionService(req).react(reaction, toAppreciation: id, in: context.loaded, by: context.user)
        }
    }

    // MARK: - Themes

    struct DeckOption: Encodable {
        let key: String
        let title: String
        let description: String
        let sample: String?
        let checked: Bool
    }

    struct DepthOption: Encodable {
        let value: String
        let label: String
        let hint: String
        let checked: Bool
    }

    struct ThemesPage: Encodable {
        let bondTitle: String
        let bondURL: String
        let settingsURL: String
        let actionURL: String
        let mayChange: Bool
        let decks: [DeckOption]
        let depths: [DepthOption]
        let errors: [FieldError]
        let decksError: String?
    }

    func themes(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let themes = context.loaded.bond.themes
        return try await renderThemes(req, context: context, decks: themes.decks, depth: themes.depth, errors: [])
    }

    func saveThemes(req: Request) async throws -> Response {
        let context = try await practise.context(req)
        let fields = (try? req.content.decode(ThemesForm.self)) ?? ThemesForm()
        let depth = fields.depth.flatMap(Int.init)
        do {
            _ = try await BondService(req).saveThemes(decks: fields.decks ?? [], depth: depth, in: context.bondID, by: context.user)
            return req.redirect(to: .bondSettings(context.bondID), flash: .themesSaved)
        } catch let problem as Problem where !problem.fieldErrors.isEmpty {
            return try await renderThemes(req, context: context, decks: fields.decks ?? [], depth: depth, errors: problem.fieldErrors, status: problem.status)
        }
    }

    struct ThemesForm: Content {
        var decks: [String]?
        var depth: String?
    }

    private func renderThemes(_ req: Request, context: PractisePagesController.Context, decks: [String]?, depth: Int?,
                              errors: [FieldError], status: HTTPStatus = .ok) async throws -> Response {
        let library = req.kindred.content.decks
        let kind = context.loaded.bond.kind
        let chosen = Set(decks ?? library.map(\.key))
        let options = library.filter { !$0.prompts.filter { $0.kinds.contains(kind) }.isEmpty }.map { deck in
            DeckOption(key: deck.key, title: deck.title, description: deck.description,
                       sample: BondThemes.sample(of: deck, kind: kind)?.text, checked: chosen.contains(deck.key))
        }
        let depths = ([nil] + BondThemes.depths.map { Optional($0) }).map { value in
            DepthOption(value: value.map(String.init) ?? "rising", label: BondThemes.depthLabel(value), hint: BondThemes.depthHint(value), checked: value == depth)
        }
        let summary = errors.map { FieldError($0.field == "decks" ? "deck-\(options.first?.key ?? "")" : "depth-rising", $0.message) }
        return try await req.page("themes", title: "Decks and depth", section: "bonds", status: status, ThemesPage(
            bondTitle: context.bondTitle, bondURL: context.bondURL, settingsURL: SiteURL.bondSettings(context.bondID).path,
            actionURL: SiteURL.themes(context.bondID).path, mayChange: context.loaded.snapshot.status != .ended,
            decks: options, depths: depths, errors: summary, decksError: errors.message(for: "decks")
        ))
    }
}

import Fluent
import Foundation
import KindredCore
import Vapor

/// Sends the notices this node claimed: composes each one (never what anyone wrote; names
/// only when the person asked for them), delivers it by email or Web Push, records how it went.
struct NoticeSender {
    let db: any Database
    let services: KindredServices
    /// This node, for claims.
    let node: String
    /// The address people use, for links in notices.
    let baseURL: String

    /// Emails sent over one SMTP session between claim renewals.
    static let emailChunk = 10

    /// Claims and sends batches until nothing is due; returns how many notices went out.
    func sendDue(batch: Int = 100) async throws -> Int {
        let outbox = NoticeService(db: db, services: services)
        var sent = 0
        // Bounded, so one node never loops forever while another keeps queuing.
        for _ in 0..<50 {
            let claimed = try await outbox.claim(by: node, limit: batch)
            if claimed.isEmpty { break }
            sent += try await send(claimed)
        }
        return sent
    }

    private func send(_ notices: [Notice]) async throws -> Int {
        let outbox = NoticeService(db: db, services: services)
        var emails: [(Notice, MailMessage, String)] = []
        var sent = 0
        for notice in notices {
            guard let content = try await compose(notice) else {
                // The person is gone or turned the channel off since: nothing to send.
                try await outbox.markSent(notice, note: "not needed any more")
                continue
            }
            switch Notice.Channel(rawValue: notice.channel) {
            case .email?:
                guard services.delivery.mail != nil, let from = services.configuration.mailFromAddress else {
                    try await outbox.markSent(notice, note: "email is not set up")
                    continue
                }
                let token = SecureToken.secret()
                emails.append((notice, email(content, token: token, from: from, notice: notice), Secrets.sha256(token)))
            case .push?:
                // Pushes go one by one, each under a freshly renewed claim (see emails below).
                guard try await outbox.renewClaims([notice]).contains(notice.id!) else { continue }
                if try await push(content, notice: notice) { sent += 1 }
            case nil:
                try await outbox.markSent(notice, note: "unknown channel")
            }
        }
        guard let mail = services.delivery.mail, !emails.isEmpty else { return sent }
        // A few at a time, each recorded the moment the mail server takes it: a node that dies
        // mid-batch leaves at most the one message in flight to be sent again, and a claim is
        // renewed before each chunk, so a slow mail server never lets another node take over
        // notices still being sent here.
        for start in stride(from: 0, to: emails.count, by: Self.emailChunk) {
            let candidates = Array(emails[start..<min(start + Self.emailChunk, emails.count)])
            let held = try await outbox.renewClaims(candidates.map(\.0))
            let chunk = candidates.filter { held.contains($0.0.id!) }
            guard !chunk.isEmpty else { continue }
            do {
                let token = chunk.first?.0.claimedBy
                let results = try await mail.send(chunk.map(\.1), accepted: { index in
                    try? await outbox.markSent(chunk[index].0, unsubscribeHash: chunk[index].2)
                    try? await outbox.extendClaims(chunk[(index + 1)...].compactMap(\.0.id), token: token)
                })
                for ((notice, _, _), result) in zip(chunk, results) {
                    switch result {
                    case .success: sent += 1
                    case .failure(let error): try await outbox.markFailed(notice, error: "email: \(error)")
                    }
                }
            } catch {
                for (notice, _, _) in chunk where notice.sentAt == nil { try await outbox.markFailed(notice, error: "email: \(error)") }
            }
        }
        return sent
    }

    // MARK: - Composing

    struct Content {
        let text: NoticeText.Text
        /// The page the notice opens: the bond's home, or the list of bonds.
        let path: String
        let recipient: User
    }

    /// What a notice says for its recipient now, or nil when it should not go at all.
    private func compose(_ notice: Notice) async throws -> Content? {
        guard let user = try await User.find(notice.$user.id, on: db),
              let settings = try await ReminderSetting.query(on: db).filter(\.$user.$id == notice.$user.id).first(),
              let kind = NoticeText.Kind(rawValue: notice.kind)
        else { return nil }
        let channelStillOn = notice.channel == Notice.Channel.email.rawValue ? settings.email : settings.push
        let stillWanted = kind == .dailyReminder ? settings.dailyAt != nil : settings.partnerActivity
        guard channelStillOn, stillWanted else { return nil }
        var bondID = notice.bondID
        // About a bond that has since ended: nothing to say any more.
        if let about = bondID, try await Bond.find(about, on: db)?.endedAt != nil { return nil }
        if bondID == nil {
            // A daily reminder opens the one bond a person is in; with several, the list.
            let bonds = try await BondService(db: db, services: services).list(for: user).filter { $0.snapshot.status == .active }
            if bonds.count == 1 { bondID = bonds[0].bond.id }
        }
        var partner: String?
        if let bondID {
            partner = try await BondMember.query(on: db).filter(\.$bond.$id == bondID).filter(\.$user.$id != notice.$user.id)
                .join(User.self, on: \BondMember.$user.$id == \User.$id).first()
                .map { try $0.joined(User.self).displayName }
        }
        let text = NoticeText.text(for: kind, partner: partner, includeNames: settings.includeNames)
        let path = bondID.map { SiteURL.bond(BondID($0)).path } ?? SiteURL.bonds.path
        return Content(text: text, path: path, recipient: user)
    }

    private func email(_ content: Content, token: String, from: String, notice: Notice) -> MailMessage {
        let unsubscribe = baseURL + SiteURL.unsubscribe(token: token).path
        let body = """
            \(content.text.body)

            \(baseURL + content.path)

            --
            You are getting this because you turned on reminders in your settings: \(baseURL + SiteURL.reminders.path)
            Stop these emails with one click: \(unsubscribe)
            """
        let host = URL(string: baseURL)?.host ?? "localhost"
        return MailMessage(
            fromAddress: from, fromName: services.configuration.mailFromName, to: content.recipient.email,
            subject: content.text.title, text: body,
            extraHeaders: [
                MailHeader(name: "List-Unsubscribe", value: "<\(unsubscribe)>"),
                // RFC 8058: mail clients may unsubscribe with one POST, without signing in.
                MailHeader(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
                MailHeader(name: "Auto-Submitted", value: "auto-generated"),
            ],
            // The notice's id: a copy sent twice (a node died between sending and recording) is recognisable.
            messageID: "<\(notice.id!.uuidString.lowercased())@\(host)>",
            date: services.now
        )
    }

    // MARK: - Web Push

    /// Sends to every device the person subscribed; a device the push service no longer
    /// knows (404, 410) is forgotten. True when at least one device took it, or there was none.
    private func push(_ content: Content, notice: Notice) async throws -> Bool {
        let outbox = NoticeService(db: db, services: services)
        let subscriptions = try await PushSubscription.query(on: db).filter(\.$user.$id == notice.$user.id).all()
        guard !subscriptions.isEmpty else {
            try await outbox.markSent(notice, note: "no devices")
            return false
        }
        struct Payload: Encodable { let title: String; let body: String; let url: String; let tag: String }
        let payload = try JSONEncoder().encode(Payload(title: content.text.title, body: content.text.body, url: content.path, tag: notice.kind))
        // All of a person's devices at once: one slow push service never holds up the others
        // (each post has its own timeout), and the whole notice stays well inside its claim.
        var outcomes: [(subscription: PushSubscription, status: Result<Int, any Error>)] = []
        var requests: [(PushSubscription, PushRequest)] = []
        for subscription in subscriptions {
            do { requests.append((subscription, try request(for: subscription, payload: payload, notice: notice))) }
            catch { outcomes.append((subscription, .failure(error))) }
        }
        let sender = services.delivery.push
        await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for (index, pair) in requests.enumerated() {
                let request = pair.1
                group.addTask {
                    do { return (index, .success(try await sender.post(request))) } catch { return (index, .failure(error)) }
                }
            }
            for await (index, status) in group { outcomes.append((requests[index].0, status)) }
        }
        var delivered = 0, gone = 0
        var problems: [String] = []
        for (subscription, status) in outcomes {
            switch status {
            case .success(200..<300):
                delivered += 1
                subscription.lastSentAt = services.now
                try await subscription.update(on: db)
            case .success(404), .success(410):
                gone += 1
                try await subscription.delete(on: db)
            case .success(let other):
                problems.append("push service answered \(other)")
            case .failure(let error):
                problems.append("push: \(error)")
            }
        }
        if delivered > 0 || gone == subscriptions.count {
            try await outbox.markSent(notice, note: problems.isEmpty ? nil : problems.joined(separator: "; "))
            return delivered > 0
        }
        try await outbox.markFailed(notice, error: problems.joined(separator: "; "))
        return false
    }

    private func request(for subscription: PushSubscription, payload: Data, notice: Notice) throws -> PushRequest {
        // Checked again on the way out: the operator's list may have changed since it was stored.
        guard PushEndpointRules.problem(subscription.endpoint, allowLoopback: services.configuration.pushAllowLoopback,
                                        hosts: services.configuration.pushServiceHosts) == nil,
              let endpoint = URL(string: subscription.endpoint),
              let keys = WebPushCrypto.ClientKeys(p256dh: subscription.p256dh, auth: subscription.auth),
              let authorization = services.delivery.vapid.authorization(
                endpoint: endpoint, subject: services.configuration.effectiveVAPIDSubject, now: services.now)
        else { throw Abort(.internalServerError, reason: "a stored push subscription is malformed") }
        let body = try WebPushCrypto.encrypt(payload, to: keys)
        // A daily reminder is stale by the next morning; a partner notice keeps a day.
        let ttl = notice.kind == NoticeText.Kind.dailyReminder.rawValue ? 12 * 3600 : 24 * 3600
        return PushRequest(endpoint: endpoint, headers: [
            (name: "Content-Encoding", value: "aes128gcm"),
            (name: "Content-Type", value: "application/octet-stream"),
            (name: "TTL", value: String(ttl)),
            (name: "Urgency", value: "normal"),
            (name: "Authorization", value: authorization),
        ], body: body)
    }
}

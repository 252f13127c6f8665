import Fluent
import Foundation
import KindredCore
import SQLKit

/// Models read field by field from a hand-written statement's row (issue 15). Fluent's own
/// decoding finds a model's fields by reflection on every row, which was the largest single
/// cost of the hot reads; these name each property instead. Each property reads its own
/// column through Fluent's `output(from:)`, exactly as Fluent would, so the model counts as
/// read from the database and unchanged: a later `update` writes only what was changed since.
/// `RowDecodableTests` holds each equal to Fluent's reading, column by column, so a column
/// added to a model and not here fails there.
protocol RowDecodable: Model {
    func fill(from row: any DatabaseOutput) throws
}

extension RowDecodable {
    init(row: any DatabaseOutput) throws {
        self.init()
        try fill(from: row)
    }
}

extension APIToken: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $user.output(from: row); try $name.output(from: row); try $tokenHash.output(from: row)
        try $createdAt.output(from: row); try $lastUsedAt.output(from: row); try $idleDays.output(from: row)
        try $expiresAt.output(from: row); try $device.output(from: row)
    }
}

extension User: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $email.output(from: row); try $displayName.output(from: row)
        try $passwordHash.output(from: row); try $timeZone.output(from: row); try $wakeAt.output(from: row)
        try $sleepAt.output(from: row); try $adultConfirmedAt.output(from: row); try $roleName.output(from: row)
        try $practiceName.output(from: row); try $credentials.output(from: row); try $createdAt.output(from: row)
        try $updatedAt.output(from: row); try $quickExitSignsOut.output(from: row)
    }
}

extension Bond: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $kind.output(from: row); try $sealedName.output(from: row)
        try $createdAt.output(from: row); try $endedAt.output(from: row); try $themeDecks.output(from: row)
        try $themeDepth.output(from: row); try $dayClock.output(from: row); try $longDistance.output(from: row)
        try $measureVersion.output(from: row)
    }
}

extension BondMember: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $bond.output(from: row); try $user.output(from: row); try $slot.output(from: row)
        try $joinedAt.output(from: row); try $homeSeenAt.output(from: row)
    }
}

extension DailyQuestion: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $bond.output(from: row); try $day.output(from: row); try $promptID.output(from: row)
        try $createdAt.output(from: row); try $swappedBy.output(from: row); try $swappedPromptID.output(from: row)
    }
}

extension DailyAnswer: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $bond.output(from: row); try $day.output(from: row); try $user.output(from: row)
        try $sealedText.output(from: row); try $createdAt.output(from: row); try $updatedAt.output(from: row)
    }
}

extension DailyPass: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $bond.output(from: row); try $day.output(from: row); try $user.output(from: row)
        try $createdAt.output(from: row)
    }
}

extension DailyReply: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $bond.output(from: row); try $day.output(from: row); try $user.output(from: row)
        try $sealedText.output(from: row); try $createdAt.output(from: row)
    }
}

extension ReactionRow: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $bond.output(from: row); try $user.output(from: row); try $targetKind.output(from: row)
        try $targetKey.output(from: row); try $sealedReaction.output(from: row); try $createdAt.output(from: row)
        try $updatedAt.output(from: row)
    }
}

extension Assessment: RowDecodable {
    func fill(from row: any DatabaseOutput) throws {
        try $id.output(from: row); try $bond.output(from: row); try $user.output(from: row)
        try $instrumentKey.output(from: row); try $instrumentVersion.output(from: row); try $mode.output(from: row)
        try $shared.output(from: row); try $sharedAt.output(from: row); try $takenAt.output(from: row)
        try $sealedAnswers.output(from: row); try $total.output(from: row); try $sealedScore.output(from: row)
        try $comparedWith.output(from: row)
    }
}

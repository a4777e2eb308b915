import ArogyaCore
import Crypto

/// A record's place at the hub.
public struct RecordKey: Hashable, Sendable {
    public let facility: String
    public let type: String
    public let id: String

    public init(facility: String, type: String, id: String) {
        self.facility = facility
        self.type = type
        self.id = id
    }
}

/// A record's current version, as a store holds it.
struct CurrentVersion: Sendable {
    var seq: PlannedSeq
    var hubVersion: Int64
    var deviceID: String
    var deviceVersion: Int64
}

/// A version's sequence number: one already stored, or that of a version planned earlier in the same
/// batch (its number is handed out only when it is written).
enum PlannedSeq: Sendable, Equatable {
    case stored(Int64)
    case planned(Int)
}

/// What the push planner asks of a store, answered from what it held before the batch. Each store answers
/// in its own way (SQLite with a statement per question inside its write transaction; PostgreSQL from a few
/// queries over the whole batch), and the planner alone decides: so every record is judged by the same rules
/// on both.
protocol HubPushLookup {
    /// The facility of a screening among those the device covers.
    func screeningFacility(_ screeningID: String, coveredBy device: HubDevice) throws -> String?
    /// Who saved the screening's current version.
    func screeningAuthor(_ screening: RecordKey) throws -> String?
    /// The hub version given to this device's version of the record with this content, when it came before.
    func resentVersion(_ key: RecordKey, device: String, deviceVersion: Int64, hash: String) throws -> Int64?
    func current(_ key: RecordKey) throws -> CurrentVersion?
    /// The patients of the facility with this ABHA number or address.
    func patients(facility: String, kind: PatientIdentifierKind, value: String) throws -> Set<String>
}

public enum PatientIdentifierKind: String, CaseIterable, Sendable {
    case abhaNumber = "abha_number"
    case abhaAddress = "abha_address"

    var reason: String { self == .abhaNumber ? "same ABHA number" : "same ABHA address" }
}

/// What a batch writes, in order: versions, each patient's identifiers afresh, likely duplicates.
struct HubPushPlan {
    struct Version {
        let key: RecordKey
        /// The record with its payload as the rules cleaned it.
        let record: SyncWire.Record
        let hubVersion: Int64
        let payloadText: String
        let payloadHash: String
        let patientID: String?
        let parentID: String?
        /// The version this one overtook, when two devices changed the record from the same version.
        let overtook: PlannedSeq?
    }
    struct Identifiers {
        let facility: String
        let patient: String
        let values: [(kind: PatientIdentifierKind, value: String)]
    }
    struct Duplicate: Hashable {
        let facility: String
        let patientA: String
        let patientB: String
        let reason: String
    }

    var results: [SyncWire.Result] = []
    var versions: [Version] = []
    var identifiers: [Identifiers] = []
    var duplicates: [Duplicate] = []
}

/// A pushed item read and judged by the record rules, before any store is asked about it: what the
/// planner decides on, and what a store that answers in bulk reads its questions from.
enum CheckedPushItem {
    /// Unreadable, or refused by the record rules, with why.
    case rejected(type: String, id: String, reason: String)
    /// The record with its payload as the rules cleaned it.
    case valid(SyncWire.Record)

    static func check(_ items: [(raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>)], rules: RecordRules) -> [CheckedPushItem] {
        items.map { item in
            switch item.record {
            case .failure(let problem):
                let identity = SyncWire.identity(of: item.raw)
                return .rejected(type: identity.type, id: identity.id, reason: problem.description)
            case .success(var record):
                switch rules.check(record) {
                case .failure(let problem): return .rejected(type: record.type.rawValue, id: record.id, reason: problem.description)
                case .success(let payload):
                    record.payload = payload
                    return .valid(record)
                }
            }
        }
    }

    /// The screening a review is about.
    static func reviewedScreening(_ record: SyncWire.Record) -> String? {
        record.type == .review ? RecordPayloads.text(record.payload, "screening_id") : nil
    }
}

/// Decides what a pushed batch does. Per record:
/// - the same device's same version with the same content is `identical` (a resend after a lost answer);
/// - a record new to the hub, or whose current version is the edit's base, or that only this device has
///   written since (a device never conflicts with itself), is `accepted`;
/// - otherwise another device changed it meanwhile: this edit becomes current (the later arrival wins),
///   the overtaken version is kept and listed as a `conflict`, and nothing is dropped;
/// - a record that cannot be read or whose payload lacks what its type needs is `rejected` with why.
struct HubPushPlanner {
    let device: HubDevice
    let lookup: any HubPushLookup

    /// What the batch has planned so far, over what the store held before it.
    private var current: [RecordKey: CurrentVersion] = [:]
    private var resends: [String: Int64] = [:]
    /// Who saved each screening of the batch (nil kept as a value: a screening without an author).
    private var authors: [RecordKey: String?] = [:]
    /// Patients whose identifiers this batch wrote afresh, and the identifiers it gave them.
    private var rewritten: Set<String> = []
    private var added: [String: Set<String>] = [:]
    /// The keys of `added` each patient is under, to take it out of them when it is written again.
    private var addedUnder: [String: [String]] = [:]
    private var plan = HubPushPlan()

    init(device: HubDevice, lookup: any HubPushLookup) {
        self.device = device
        self.lookup = lookup
    }

    static func plan(_ items: [CheckedPushItem], device: HubDevice, lookup: any HubPushLookup) throws -> HubPushPlan {
        var planner = HubPushPlanner(device: device, lookup: lookup)
        planner.plan.results.reserveCapacity(items.count)
        for item in items { planner.plan.results.append(try planner.decide(item)) }
        return planner.plan
    }

    private mutating func decide(_ item: CheckedPushItem) throws -> SyncWire.Result {
        switch item {
        case .rejected(let type, let id, let reason):
            return rejected(type, id, reason)
        case .valid(let record):
            switch try facility(for: record) {
            case .failure(let refusal): return rejected(record.type.rawValue, record.id, refusal.description)
            case .success(let facility):
                if let refusal = try refusal(of: record, facility: facility) { return rejected(record.type.rawValue, record.id, refusal) }
                return try apply(record, facility: facility)
            }
        }
    }

    private func rejected(_ type: String, _ id: String, _ reason: String) -> SyncWire.Result {
        SyncWire.Result(type: type, id: id, status: .rejected, hubVersion: nil, reason: reason)
    }

    /// The facility a record is stored with: a terminal's own; for a supervisor's device, which writes
    /// only reviews, the facility of the screening reviewed, among those the device covers.
    private func facility(for record: SyncWire.Record) throws -> Result<String, Refusal> {
        switch device.role {
        case .terminal: return .success(device.facilityID)
        case .supervisor:
            guard record.type == .review else {
                return .failure(Refusal("a supervisor's device uploads reviews only; this \(record.type.rawValue) stays on it"))
            }
            guard let screening = CheckedPushItem.reviewedScreening(record),
                  let facility = try lookup.screeningFacility(screening, coveredBy: device) else {
                return .failure(Refusal("payload.screening_id: no screening of the facilities this device covers has that id"))
            }
            return .success(facility)
        }
    }

    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// What the hub refuses of a record that is well formed, judged against what it holds: a review by
    /// the worker who saved the screening (the terminal refuses it too; this holds for any client).
    private mutating func refusal(of record: SyncWire.Record, facility: String) throws -> String? {
        guard let screeningID = CheckedPushItem.reviewedScreening(record),
              let reviewer = RecordPayloads.text(record.payload, "reviewed_by") else { return nil }
        let screening = RecordKey(facility: facility, type: RecordType.screening.rawValue, id: screeningID)
        let author: String?
        if let known = authors[screening] { author = known } else { author = try lookup.screeningAuthor(screening) }
        if author == reviewer { return "payload.reviewed_by: \(reviewer) saved this screening and cannot review it" }
        return nil
    }

    private mutating func apply(_ record: SyncWire.Record, facility: String) throws -> SyncWire.Result {
        let payloadText = record.payload.serialized(pretty: false)
        let hash = SHA256.hash(data: Array(payloadText.utf8)).hexadecimal
        let key = RecordKey(facility: facility, type: record.type.rawValue, id: record.id)
        let resendKey = "\(key.facility)\u{0}\(key.type)\u{0}\(key.id)\u{0}\(record.version)\u{0}\(hash)"
        if let resent = try resends[resendKey] ?? lookup.resentVersion(key, device: device.id, deviceVersion: record.version, hash: hash) {
            return SyncWire.Result(type: record.type.rawValue, id: record.id, status: .identical, hubVersion: resent)
        }
        let before: CurrentVersion?
        if let planned = current[key] { before = planned } else { before = try lookup.current(key) }
        var status = SyncWire.Status.accepted
        let newVersion: Int64
        if let before {
            let ownLineage = before.deviceID == device.id && before.deviceVersion < record.version
            if before.hubVersion != record.baseVersion && !ownLineage { status = .conflict }
            newVersion = before.hubVersion + 1
        } else {
            newVersion = record.baseVersion + 1
        }
        let links = HubPayloadCheck.links(of: record)
        plan.versions.append(HubPushPlan.Version(key: key, record: record, hubVersion: newVersion, payloadText: payloadText, payloadHash: hash,
                                                 patientID: links.patient, parentID: links.parent,
                                                 overtook: status == .conflict ? before?.seq : nil))
        current[key] = CurrentVersion(seq: .planned(plan.versions.count - 1), hubVersion: newVersion, deviceID: device.id,
                                      deviceVersion: record.version)
        resends[resendKey] = newVersion
        if record.type == .screening {
            authors.updateValue(RecordPayloads.text(record.payload, "recorded_by"), forKey: key)
        }
        if record.type == .patient { try noteIdentifiers(of: record, facility: facility) }
        return SyncWire.Result(type: record.type.rawValue, id: record.id, status: status, hubVersion: newVersion)
    }

    /// Keeps the patient's ABHA number and address, and flags any other patient of the facility with the
    /// same one as a likely duplicate pair. Both are kept: only a supervisor merges.
    private mutating func noteIdentifiers(of record: SyncWire.Record, facility: String) throws {
        // The patient's identifiers are written afresh: what the store held for it no longer counts, nor
        // what an earlier version in this batch gave.
        let patientKey = facility + "\u{0}" + record.id
        rewritten.insert(patientKey)
        for valueKey in addedUnder.removeValue(forKey: patientKey) ?? [] { added[valueKey]?.remove(record.id) }
        var values: [(kind: PatientIdentifierKind, value: String)] = []
        // A merged record points at the one it was merged into: it is no longer a second registration.
        let merged = record.payload["status"] == .string("merged")
        for kind in PatientIdentifierKind.allCases {
            guard !merged, case .string(let value)? = record.payload[kind.rawValue], !value.isEmpty else { continue }
            let valueKey = "\(facility)\u{0}\(kind.rawValue)\u{0}\(value)"
            let stored = try lookup.patients(facility: facility, kind: kind, value: value).filter { !rewritten.contains(facility + "\u{0}" + $0) }
            let holders = stored.union(added[valueKey] ?? [])
            for other in holders.sorted() where other != record.id {
                let (a, b) = other < record.id ? (other, record.id) : (record.id, other)
                let pair = HubPushPlan.Duplicate(facility: facility, patientA: a, patientB: b, reason: kind.reason)
                if !plan.duplicates.contains(pair) { plan.duplicates.append(pair) }
            }
            added[valueKey, default: []].insert(record.id)
            addedUnder[patientKey, default: []].append(valueKey)
            values.append((kind, value))
        }
        plan.identifiers.append(HubPushPlan.Identifiers(facility: facility, patient: record.id, values: values))
    }
}

/// What a record points to, for the hub's lookups by patient and by screening.
enum HubPayloadCheck {
    static func links(of record: SyncWire.Record) -> (patient: String?, parent: String?) {
        let text = { (key: String) in RecordPayloads.text(record.payload, key) }
        switch record.type {
        case .screening, .abhaRequest: return (text("patient_id"), nil)
        case .referral, .review: return (text("patient_id"), text("screening_id"))
        case .patient, .account, .facility: return (nil, nil)
        }
    }
}

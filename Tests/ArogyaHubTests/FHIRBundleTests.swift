import ArogyaCore
import ArogyaHub
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("FHIR documents")
struct FHIRBundleTests {
    let patientID = "01a20606-aacb-789c-b598-fe76d4550001"
    let screeningID = "01a20606-aacb-789c-b598-fe76d4550002"
    let referralID = "01a20606-aacb-789c-b598-fe76d4550003"

    func record(_ type: RecordType, _ id: String, _ payload: JSONValue) -> JSONValue {
        SyncWire.Record(type: type, id: id, version: 1, baseVersion: 0, updatedAt: Timestamp(iso8601: "2026-11-23T08:00:00.000Z")!,
                        payload: payload).json
    }

    @Test("Given a screening with BP, glucose, body measures, CBAC, OVE and a referral, when its Bundle is asked for, then it is a WellnessRecord document with the guide's codes", arguments: HubStoreKind.tested)
    func wellnessRecord(_ kind: HubStoreKind) async throws {
        try await withHubStore(kind) { storage in
            try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
            let token = try await storage.addDevice(facility: "IN0001", label: nil).token
            let app = Application(router: HubRoutes.router(storage: storage, clock: HubAPITests.clock))
            let input = try JSONParser.parse("""
                {"sex":"female","age":50,"cbac":{"waist_cm":96},"bp":[[150,96],[154,96]],"glucose":{"type":"random","mg_dl":212},
                 "oral":"normal","height_cm":155,"weight_kg":60,"pulse_per_min":78,"phq2":[2,1]}
                """)
            let screening = JSONValue.object([
                ("patient_id", .string(patientID)), ("kind", .string("screening")), ("screened_on", .string("2026-11-23")),
                ("input", input), ("decision", .object([("cbac_priority", .bool(true))])),
                ("bp_systolic", .number(152)), ("bp_diastolic", .number(96)), ("bp_category", .string("high")),
                ("glucose_type", .string("random")), ("glucose_mg_dl", .number(212)), ("glucose_category", .string("high")),
                ("cbac_score", .number(6)), ("recorded_by", .string("priya")), ("protocol_id", .string("national")),
                ("protocol_version", .string("2023.1")), ("refer", .bool(true)), ("urgent", .bool(false)),
            ] + HubAPITests.stamps)
            let referral = JSONValue.object([("patient_id", .string(patientID)), ("screening_id", .string(screeningID)), ("place", .string("mo_phc")),
                                             ("place_name", .string("the Medical Officer at the PHC")), ("urgent", .bool(false)),
                                             ("reasons", .array([.string("Mean BP 152/96 ≥ 140/90")])), ("referred_on", .string("2026-11-23")),
                                             ("conditions", .string("hypertension"))] + HubAPITests.stamps)
            let patient = JSONValue.object([("name", .string("सुनीता देवी")), ("sex", .string("female")), ("birth_date", .string("1976-05-01")),
                                            ("abha_number", .string("91123456789012")), ("consent_given", .bool(true)),
                                            ("consent_method", .string("verbal")), ("consent_date", .string("2026-11-20"))] + HubAPITests.stamps)
            try await app.test(.router) { client in
                let body = JSONValue.object([("records", .array([record(.patient, patientID, patient), record(.screening, screeningID, screening),
                                                                  record(.referral, referralID, referral)]))]).serialized(pretty: false)
                try await client.execute(uri: "/v1/sync/push", method: .post, headers: HubAPITests.auth(token), body: ByteBuffer(string: body)) {
                    #expect($0.status == .ok)
                }
                let bundle = try await client.execute(uri: "/fhir/Bundle/\(screeningID)", method: .get, headers: HubAPITests.auth(token)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/fhir+json")
                    return try JSONParser.parse(String(buffer: response.body))
                }
                #expect(bundle["resourceType"] == .string("Bundle"))
                #expect(bundle["type"] == .string("document"))
                #expect(bundle["timestamp"] != nil && bundle["identifier"]?["value"] != nil && bundle["meta"]?["versionId"] != nil)
                guard case .array(let entries)? = bundle["entry"] else { Issue.record("no entries"); return }
                let resources = entries.compactMap { $0["resource"] }
                #expect(resources.first?["resourceType"] == .string("Composition"))
                // Every entry is a urn:uuid, and every reference points at an entry of the bundle.
                let urls = Set(entries.compactMap { if case .string(let url)? = $0["fullUrl"] { return url }; return nil })
                #expect(urls.count == entries.count && urls.allSatisfy { $0.hasPrefix("urn:uuid:") })
                var references: [String] = []
                func collect(_ value: JSONValue) {
                    switch value {
                    case .object(let members): for member in members { if member.key == "reference", case .string(let r) = member.value { references.append(r) } else { collect(member.value) } }
                    case .array(let items): items.forEach(collect)
                    default: break
                    }
                }
                resources.forEach(collect)
                #expect(references.allSatisfy { urls.contains($0) }, "dangling: \(references.filter { !urls.contains($0) })")
                let composition = resources[0]
                #expect(composition["type"]?["text"] == .string("Wellness Record"))
                guard case .array(let sections)? = composition["section"] else { Issue.record("no sections"); return }
                #expect(sections.compactMap { $0["title"] } == [.string("Vital Signs"), .string("Body Measurement"), .string("General Assessment"), .string("Other Observations")])
                let codes = resources.compactMap { $0["code"]?["coding"] }.compactMap { coding -> String? in
                    if case .array(let list) = coding, case .string(let code)? = list.first?["code"] { return code }
                    return nil
                }
                for code in ["85354-9", "8867-4", "8302-2", "29463-7", "39156-5", "8280-0", "2339-0"] { #expect(codes.contains(code), "missing LOINC \(code)") }
                let bp = resources.first { $0["code"]?["coding"] == .array([.object([("system", .string("http://loinc.org")), ("code", .string("85354-9")),
                                                                                       ("display", .string("Blood pressure panel with all children optional"))])]) }
                #expect(bp?["component"] != nil)
                // PHQ-2 by LOINC: the panel with its items' answers, and the total.
                func coded(_ code: String) -> JSONValue? {
                    resources.first { resource in
                        if case .array(let list)? = resource["code"]?["coding"], case .string(code)? = list.first?["code"] { return true }
                        return false
                    }
                }
                guard case .array(let items)? = coded("55757-9")?["component"] else { Issue.record("no PHQ-2 panel"); return }
                #expect(items.map { $0["code"]?["coding"].flatMap { if case .array(let l) = $0 { l.first?["code"] } else { nil } } }
                        == [.string("44250-9"), .string("44255-8")])
                #expect(items.map { $0["valueCodeableConcept"]?["text"] } == [.string("More than half the days"), .string("Several days")])
                #expect(coded("55758-7")?["valueInteger"] == .integer(3))
                // Every coded value is from a system an HIU's validator knows; the rest are text.
                var systems = Set<String>()
                func systemsIn(_ value: JSONValue) {
                    switch value {
                    case .object(let members):
                        if case .string(let system)? = value["system"], value["code"] != nil { systems.insert(system) }
                        members.forEach { systemsIn($0.value) }
                    case .array(let list): list.forEach(systemsIn)
                    default: break
                    }
                }
                systemsIn(bundle)
                let known = ["http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org"]
                #expect(systems.allSatisfy { known.contains($0) || $0.hasPrefix("http://terminology.hl7.org/CodeSystem/") }, "unknown: \(systems)")
                let serviceRequest = resources.first { $0["resourceType"] == .string("ServiceRequest") }
                #expect(serviceRequest?["code"]?["text"] == .string("Referral to the Medical Officer at the PHC"))
                let patientResource = resources.first { $0["resourceType"] == .string("Patient") }
                guard case .array(let identifiers)? = patientResource?["identifier"] else { Issue.record("no identifiers"); return }
                #expect(identifiers.first?["value"] == .string("91-1234-5678-9012"))
                #expect(resources.contains { $0["resourceType"] == .string("Practitioner") } && resources.contains { $0["resourceType"] == .string("Organization") })

                let searchset = try await client.execute(uri: "/fhir/Bundle?patient=\(patientID)", method: .get, headers: HubAPITests.auth(token)) {
                    try JSONParser.parse(String(buffer: $0.body))
                }
                #expect(searchset["type"] == .string("searchset"))
                #expect(searchset["total"] == .number(1))
            }
        }
    }
}

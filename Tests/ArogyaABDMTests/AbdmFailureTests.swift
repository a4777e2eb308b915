@testable import ArogyaABDM
import ArogyaCore
import Testing

@Suite("ABDM's error shapes")
struct AbdmFailureTests {
    static func parse(_ status: Int, _ json: String) -> AbdmFailure {
        AbdmFailure.parse(status: status, body: Array(json.utf8))
    }

    @Test("Given each of ABDM's four error shapes and an HIS code with details, when read, then the code is the innermost one, trimmed, and the kind follows it")
    func shapes() {
        let nested = Self.parse(400, #"{"error":{"code":"ABDM-1100: ","message":"Maximum OTP attempts reached"}}"#)
        #expect(nested.code == "ABDM-1100" && nested.kind == .tooManyAttempts && nested.message == "Maximum OTP attempts reached")
        let flat = Self.parse(400, #"{"code":"ABDM-1017","message":"Invalid Transaction Id","timestamp":"2026-12-01 10:00:00"}"#)
        #expect(flat.code == "ABDM-1017" && flat.kind == .transactionExpired)
        let fields = Self.parse(400, #"{"txnId":"Invalid Transaction Id","timestamp":"2026-12-01 10:00:00"}"#)
        #expect(fields.code == nil && fields.message == "txnId: Invalid Transaction Id" && fields.kind == .transactionExpired)
        let gateway = Self.parse(401, #"{"code":"900901","message":"Invalid Credentials","description":"Access failure"}"#)
        #expect(gateway.code == "900901" && gateway.kind == .credentialsRefused)
        let his = Self.parse(422, #"{"code":"HIS-422","message":"Unprocessable","details":[{"code":"ABDM-1101","message":"ABHA Address already exists"}]}"#)
        #expect(his.code == "ABDM-1101" && his.kind == .addressTaken && his.message == "ABHA Address already exists")
    }

    @Test("Given a UIDAI pass-through about the OTP, a rate limit, a server error, an empty 401 and a body with control characters, when read, then each has the kind a worker can act on and no control character survives")
    func kinds() {
        #expect(Self.parse(400, #"{"code":"ABDM-1204","message":"UIDAI Error code : 400 : Invalid Aadhaar OTP value."}"#).kind == .wrongOtp)
        #expect(Self.parse(400, #"{"code":"ABDM-1204","message":"UIDAI Error code : 500 : Service unavailable"}"#).kind == .serviceDown)
        #expect(Self.parse(429, #"{"code":"ABDM-1022","message":"Too many requests"}"#).kind == .tooManyAttempts)
        #expect(Self.parse(503, "").kind == .serviceDown)
        #expect(Self.parse(401, "").kind == .credentialsRefused)
        #expect(Self.parse(400, "<html>bad gateway</html>").kind == .other)
        let dirty = Self.parse(400, #"{"code":"ABDM-9999","message":"bad\u001b[2Jthing\nhere"}"#)
        #expect(!dirty.message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f })
    }
}

@Suite("An Aadhaar number in memory")
struct AadhaarNumberTests {
    @Test("Given a valid Aadhaar number typed with spaces, when read, then it shows masked everywhere it could be printed and gives its digits only for encryption")
    func masked() throws {
        let number = try AadhaarNumber(typed: "2341 2341 2346")
        #expect(number.masked == "XXXX XXXX 2346")
        #expect("\(number)" == "XXXX XXXX 2346")
        #expect(String(reflecting: number) == "XXXX XXXX 2346")
        var dumped = ""
        dump(number, to: &dumped)
        #expect(!dumped.contains("23412341"))
        #expect(number.digitsForEncryption == "234123412346")
    }

    @Test("Given Aadhaar numbers that break each rule, when read, then each is refused with the rule that failed and never the digits")
    func refusals() {
        func refusal(_ typed: String) -> StringKey? {
            do { _ = try AadhaarNumber(typed: typed); return nil } catch { return error.key }
        }
        #expect(refusal("") == .abhaAadhaarEmpty)
        #expect(refusal("2341-2341-234a") == .abhaAadhaarDigitsOnly)
        #expect(refusal("२३४१२३४१२३४६") == .abhaAadhaarDigitsOnly)
        #expect(refusal("23412341234") == .abhaAadhaarLength)
        #expect(refusal("134123412346") == .abhaAadhaarFirstDigit)
        #expect(refusal("234123412347") == .abhaAadhaarChecksum)
        #expect(refusal("234123412346") == nil)
    }
}

import PushSyntax
import Testing

/// `connect profile NAME` and `save PATH replace`.
@Suite struct ProfileSyntaxTests {
    @Test func connectProfileTakesAWordOrAString() {
        #expect(sexpr("connect profile staging") == "(connect profile staging)")
        #expect(sexpr("connect profile \"eu-prod\"") == "(connect profile eu-prod)")
        let broken = parse("connect profile 42")
        #expect(broken.hasErrors)
        #expect(broken.diagnostics.first?.message.contains("expected a profile name after 'connect profile'") == true)
    }

    @Test func saveMayReplace() {
        #expect(sexpr("save \"f.push\"") == "(save \"f.push\")")
        #expect(sexpr("save \"f.push\" replace") == "(save \"f.push\" replace)")
    }
}

import Testing

@testable import PushSyntax

@Suite struct ParserTests {
    static let example = """
        # nightly sync of the HR export
        let s = start ref "nightly-${today()}"
        push s User [{"employeeId": "E1", "firstName": "Ada", "lastName": "Lovelace",
                      "workEmail": "ada@example.com", "employmentType": "EMPLOYEE",
                      "employmentStartDate": "2022-01-15T09:00:00Z"}]
        push s User from "employees.jsonl"
        status s
        close s apply
        wait s until processed timeout 5m
        expect s.accepted_records_total == 121 else "some rows were not accepted"
        print "done: ${s.accepted_records_total} records, state ${s.state}"

        """

    @Test func theIssueExampleParsesWithoutDiagnostics() {
        let result = parse(Self.example)
        #expect(result.diagnostics == [])
        #expect(!result.isIncomplete)
        #expect(
            result.program.statements.map(\.sexpr) == [
                #"(let s (start (str "nightly-" (today))))"#,
                #"(push s User [{employeeId: "E1", firstName: "Ada", lastName: "Lovelace", workEmail: "ada@example.com", employmentType: "EMPLOYEE", employmentStartDate: "2022-01-15T09:00:00Z"}])"#,
                #"(push s User from "employees.jsonl")"#,
                "(status s)",
                "(close s apply)",
                "(wait s processed 300000ms)",
                #"(expect (== (. s accepted_records_total) 121) "some rows were not accepted")"#,
                #"(print (str "done: " (. s accepted_records_total) " records, state " (. s state)))"#,
            ])
        // The multi-line push spans lines 3 to 5.
        let push = result.program.statements[1]
        #expect(push.range.start.line == 3 && push.range.start.column == 1)
        #expect(push.range.end.line == 5)
    }

    @Test func connectForms() {
        #expect(sexpr("connect sandbox") == "(connect sandbox)")
        #expect(
            sexpr(#"connect region eu integration "int_1" key env("K")"#)
                == #"(connect region eu "int_1" (env "K"))"#)
        #expect(
            sexpr(#"connect region in integration id key file "~/.key""#)
                == #"(connect region in id (file "~/.key"))"#)
        #expect(
            sexpr(#"connect url "http://127.0.0.1:8080" integration "i" key prompt"#)
                == #"(connect url "http://127.0.0.1:8080" "i" prompt)"#)
    }

    @Test func sessionCommands() {
        #expect(sexpr("start") == "(start -)")
        #expect(sexpr(#"start ref "x""#) == #"(start "x")"#)
        #expect(sexpr("status s") == "(status s)")
        #expect(sexpr("close sessions[0] discard") == "(close ([] sessions 0) discard)")
        // 'anyway' skips the check before apply; it belongs to apply alone.
        #expect(sexpr("close s apply anyway") == "(close s apply anyway)")
        #expect(sexpr("set settle 2s") == "(set settle 2000ms)")
        #expect(
            sexpr("wait s until processed or failed or cancelled")
                == "(wait s processed|failed|cancelled -)")
        #expect(sexpr("wait s until expired timeout 90s") == "(wait s expired 90000ms)")
        #expect(sexpr("integration") == "(integration)")
        #expect(sexpr("activity") == "(activity - - -)")
        #expect(sexpr("activity size 10 since 1h page 2") == "(activity 3600000ms 2 10)")
    }

    @Test func pushForms() {
        #expect(sexpr("push s User {\"employeeId\": \"E1\"}") == #"(push s User {employeeId: "E1"})"#)
        #expect(sexpr("push s \"Device\" rows") == "(push s Device rows)")
        #expect(
            sexpr(
                #"push s User from "u.csv" format csv skip 1 map "Employee ID" to employeeId map "Mail" to "workEmail" mapping m"#
            )
                == #"(push s User from "u.csv" format=csv skip=1 map="Employee ID"->employeeId map="Mail"->workEmail mapping=m)"#
        )
    }

    @Test func letWithExpressionsAndCommands() {
        #expect(sexpr("let n = 5") == "(let n 5)")
        #expect(sexpr("let s = start") == "(let s (start -))")
        #expect(sexpr("let r = push s User from \"a.jsonl\"") == #"(let r (push s User from "a.jsonl"))"#)
        #expect(sexpr("let w = wait s until processed") == "(let w (wait s processed -))")
        #expect(sexpr("let c = integration") == "(let c (integration))")
        #expect(sexpr("let a = activity page 1") == "(let a (activity - 1 -))")
        #expect(sexpr("let u = sandbox records User") == "(let u (sandbox records User))")
        #expect(sexpr("let t = status s") == "(let t (status s))")
        #expect(sexpr("let x = close s apply") == "(let x (close s apply))")
    }

    @Test func outputAndFlowStatements() {
        #expect(sexpr("print") == "(print)")
        #expect(sexpr("print a, b c") == "(print a b c)")
        #expect(sexpr("expect ok") == "(expect ok -)")
        #expect(sexpr("sleep 500ms") == "(sleep 500ms)")
        #expect(sexpr("include \"common.push\"") == #"(include "common.push")"#)
        #expect(sexpr("exit") == "(exit -)")
        #expect(sexpr("exit 3") == "(exit 3)")
        #expect(sexpr("help") == "(help -)")
        #expect(sexpr("help exit-codes") == "(help exit-codes)")
        #expect(sexpr("save \"x.push\"") == #"(save "x.push")"#)
        #expect(sexpr("learn") == "(learn -)")
        #expect(sexpr("learn sessions") == "(learn sessions)")
    }

    @Test func setForms() {
        #expect(sexpr("set on_error continue") == "(set on_error continue)")
        #expect(sexpr("set output \"json\"") == "(set output json)")
        #expect(sexpr("set page_size 50") == "(set page_size 50)")
        #expect(sexpr("set retries n") == "(set retries n)")
        #expect(sexpr("set retry_for 30s") == "(set retry_for 30000ms)")
    }

    @Test func sandboxForms() {
        #expect(
            sexprs(
                """
                sandbox advance 2h
                sandbox fail next
                sandbox fail next 2
                sandbox processing 10s
                sandbox rate-limit 5
                sandbox rate-limit off
                sandbox records User
                sandbox reset
                sandbox faults {"push": 0.5}
                sandbox faults off
                """) == [
                    "(sandbox advance 7200000ms)", "(sandbox fail-next -)", "(sandbox fail-next 2)",
                    "(sandbox processing 10000ms)", "(sandbox rate-limit 5)", "(sandbox rate-limit off)",
                    "(sandbox records User)", "(sandbox reset)", "(sandbox faults {push: 0.5d})",
                    "(sandbox faults off)",
                ])
    }

    @Test func blocks() {
        #expect(
            sexpr(
                """
                if s.state == "failed"
                  print "failed"
                else if s.state == "processed"
                  print "ok"
                  exit 0
                else
                  print "still going"
                end
                """)
                == #"(if (== (. s state) "failed") ((print "failed")) (== (. s state) "processed") ((print "ok") (exit 0)) else ((print "still going")))"#
        )
        #expect(
            sexpr("for e in r.validation_errors\n  print e.field\nend")
                == "(for e (. r validation_errors) ((print (. e field))))")
        #expect(sexpr("if x; print 1; end") == "(if x ((print 1)))")
        #expect(sexpr("for a in xs\n  for b in a\n    print b\n  end\nend") == "(for a xs ((for b a ((print b)))))")
    }

    @Test func expressionStatementsAndCommandWordsAsFieldNames() {
        #expect(sexpr("s.state") == "(. s state)")
        #expect(sexpr("count") == "count")
        #expect(sexpr("x.status.push") == "(. (. x status) push)")
        #expect(sexpr("len(xs) >= 2") == "(>= (len xs) 2)")
    }

    @Test func statementsSeparatedBySemicolonsAndContinuedLines() {
        #expect(sexprs("let a = 1; let b = 2;print a") == ["(let a 1)", "(let b 2)", "(print a)"])
        #expect(sexprs("print 1,\\\n  2\nprint 3") == ["(print 1 2)", "(print 3)"])
    }

    @Test func multiLineJSONKeepsOneStatement() {
        let statements = sexprs(
            """
            let users = [
              {"employeeId": "E1",   # a comment inside the array
               "managerId": null},
              {employeeId: "E2", "tags": ["a", "b",],},
            ]
            print len(users)
            """)
        #expect(
            statements == [
                #"(let users [{employeeId: "E1", managerId: null} {employeeId: "E2", tags: ["a" "b"]}])"#,
                "(print (len users))",
            ])
    }

    @Test func precedence() {
        #expect(sexpr("print not a == b and c or d") == "(print (or (and (not (== a b)) c) d))")
        #expect(sexpr("print a or b and not not c") == "(print (or a (and b (not (not c)))))")
        #expect(sexpr("print (a or b) and c") == "(print (and (or a b) c))")
        #expect(sexpr("print a == b") == "(print (== a b))")
    }

    @Test func bracketsAndParenthesesArePostfixOnlyWhenTouching() {
        #expect(sexpr("print r.validation_errors[0].field") == "(print (. ([] (. r validation_errors) 0) field))")
        #expect(sexpr("print a [0]") == "(print a [0])")
        #expect(sexpr("print a[0] [1]") == "(print ([] a 0) [1])")
        #expect(sexpr("push s User [ {\"a\": 1} ]") == "(push s User [{a: 1}])")
        #expect(sexpr("print len (x)") == "(print len x)")
        #expect(sexpr("print len(x)") == "(print (len x))")
        #expect(sexpr("print m[\"User\"][k]") == #"(print ([] ([] m "User") k))"#)
    }

    @Test func fieldNamesMayBeDigitsKeywordsOrStrings() {
        #expect(
            sexpr("print x.User x.0 x.2fa x.null x.\"first name\" x.rate-limit")
                == "(print (. x User) (. x 0) (. x 2fa) (. x null) (. x first name) (. x rate-limit))")
    }

    @Test func literals() {
        #expect(
            sexpr("print 1 -5 1.5 -2.5e3 true false null 250ms 1.5m 1d")
                == "(print 1 -5 1.5d -2500.0d true false null 250ms 90000ms 86400000ms)")
        #expect(sexpr("print [] {} [1,] {a: 1,}") == "(print [] {} [1] {a: 1})")
    }

    @Test func interpolationWithNestedQuotes() {
        #expect(sexpr(#"print "a ${env("HOME")} b ${m["k"]}""#) == #"(print (str "a " (env "HOME") " b " ([] m "k")))"#)
        #expect(sexpr(#"print "outer ${"inner ${x} end"}!""#) == #"(print (str "outer " (str "inner " x " end") "!"))"#)
        #expect(sexpr(#"print "${ {"a": 1}.a }""#) == "(print (str (. {a: 1} a)))")
        #expect(sexpr(#"print "cost: \$5 and ${x}$""#) == #"(print (str "cost: $5 and " x "$"))"#)
    }

    @Test func interpolationMaySpanLinesLikeBrackets() {
        #expect(
            sexprs("print \"a ${ {\"k\":\n  1}.k } b\"\nprint 2") == [
                #"(print (str "a " (. {k: 1} k) " b"))"#, "(print 2)",
            ])
    }

    @Test func interpolationRangesPointIntoTheSource() throws {
        let result = parse(#"print "x=${s.state}""#)
        guard case .print(let values) = result.program.statements.first?.kind,
            case .interpolated(let parts, let range) = values.first,
            case .interpolation(let inner) = parts.last
        else {
            Issue.record("not an interpolated print: \(result.program)")
            return
        }
        #expect(range.start.column == 7 && range.end.column == 21)
        #expect(inner.range.start.column == 12 && inner.range.end.column == 19)
    }

    @Test func commandWordsAreKeywordsOnlyAtStatementStart() {
        #expect(sexpr("print status") == "(print status)")
        #expect(sexpr("let count = x.wait") == "(let count (. x wait))")
    }
}

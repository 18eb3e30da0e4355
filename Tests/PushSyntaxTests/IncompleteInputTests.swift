import Testing

@testable import PushSyntax

/// `ParseResult.isIncomplete`: when the interactive shell should ask for another line.
@Suite struct IncompleteInputTests {
    @Test(arguments: [
        "push s User [{\"employeeId\": \"E1\",",
        "push s User [\n  {\"a\": 1},\n",
        "let x = {",
        "print len(",
        "print (a or",
        "print \"a ${x",
        "print \"a ${ {\"k\": 1",
        "if s.state == \"active\"",
        "if x\n  print 1\nelse\n",
        "for e in errors\n  print e\n",
        "for a in xs\n  for b in a\n    print b\n  end\n",
        "print 1 \\",
        "if x\n  let y = [1,\n",
    ])
    func incomplete(_ text: String) {
        let result = parse(text, name: "<prompt>")
        #expect(result.isIncomplete, "\(text.debugDescription) should ask for more")
        // Ending early is still an error if no more input comes.
        #expect(result.hasErrors || text.hasSuffix("\\"))
    }

    @Test(arguments: [
        "push s User [{\"employeeId\": \"E1\"}]",
        "print \"abc",  // an unterminated string is an error, not a reason to wait
        "print (1]",
        "if x\n  print 1\nend",
        "print [1 2",  // an error before the end: report it now
        "close s finish\nlet x = [",
        "print \"a ${x\" more",
        "",
        "# just a comment",
    ])
    func complete(_ text: String) {
        #expect(!parse(text, name: "<prompt>").isIncomplete, "\(text.debugDescription) should not ask for more")
    }

    @Test func theJoinedInputParses() {
        let lines = ["push s User [{\"employeeId\": \"E1\",", "  \"firstName\": \"Ada\"}]"]
        #expect(parse(lines[0]).isIncomplete)
        let joined = parse(lines.joined(separator: "\n"))
        #expect(joined.diagnostics == [] && !joined.isIncomplete)
        #expect(joined.program.statements.count == 1)
    }
}

"""`pushsh lsp` driven by a real LSP client: pygls's, through pytest-lsp.

pytest-lsp also checks every message the server sends against the capabilities
the client announced (here VS Code's), so a malformed reply fails the test.
"""
import asyncio
import pathlib
import re
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import PUSHSH, ROOT


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[PUSHSH, "lsp"]))
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    )
    lsp_client.initialize_result = result
    yield
    await lsp_client.shutdown_session()
    # shutdown, then exit: the protocol's clean exit is code 0.
    assert lsp_client._server.returncode == 0


def uri(path: pathlib.Path) -> str:
    return path.resolve().as_uri()


async def open_document(client: LanguageClient, path: pathlib.Path, text: str) -> str:
    document = uri(path)
    client.diagnostics.pop(document, None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=document, language_id="push", version=1, text=text)
        )
    )
    await diagnostics_for(client, document)
    return document


async def diagnostics_for(client: LanguageClient, document: str):
    """Waits for the diagnostics of one URI (others, of included files, may come first).

    The dictionary is looked at again after every short wait: a notification
    that arrives between the look and the wait would otherwise be missed, and
    the wait would time out although the diagnostics are there."""
    loop = asyncio.get_running_loop()
    # Generous: a script may push a 10 MB data file, which the server reads
    # whole as pushsh check does (a debug build on a loaded machine is slow).
    deadline = loop.time() + 60
    while loop.time() < deadline:
        if document in client.diagnostics:
            return client.diagnostics[document]
        try:
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), timeout=0.5)
        except (asyncio.TimeoutError, TimeoutError):
            pass
    raise AssertionError(f"no diagnostics for {document}")


async def test_initialize_announces_what_the_server_does(client: LanguageClient):
    capabilities = client.initialize_result.capabilities
    assert capabilities.hover_provider
    assert capabilities.definition_provider
    assert capabilities.document_symbol_provider
    assert capabilities.completion_provider is not None
    assert capabilities.text_document_sync.change == types.TextDocumentSyncKind.Full
    assert client.initialize_result.server_info.name == "pushsh"


async def test_diagnostics_at_the_checkers_range_in_utf16(client: LanguageClient, tmp_path):
    # The emoji is one column for the checker, two UTF-16 units for the protocol.
    path = tmp_path / "broken.push"
    document = await open_document(client, path, 'let s = start\nprint "😀", nope\n')
    diagnostics = client.diagnostics[document]
    assert len(diagnostics) == 1
    (diagnostic,) = diagnostics
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.message.startswith("undefined variable 'nope'")
    assert diagnostic.range.start == types.Position(line=1, character=12)
    assert diagnostic.range.end == types.Position(line=1, character=16)


async def test_a_parse_error_as_you_type_then_fixed(client: LanguageClient, tmp_path):
    path = tmp_path / "typing.push"
    document = await open_document(client, path, "let s = start\nwait s until done\n")
    (diagnostic,) = client.diagnostics[document]
    assert diagnostic.range.start.line == 1
    assert "done" in diagnostic.message
    client.diagnostics.pop(document, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="let s = start\nclose s apply\nwait s until processed\n")],
        )
    )
    assert list(await diagnostics_for(client, document)) == []


@pytest.mark.parametrize(
    "unfinished",
    [
        'push s User [{"employeeId": "E1"}',  # an unclosed bracket
        'print "state is ${s.state}',  # an unclosed string
        'if s.state == "active"',  # a block without its end
        "print len(",  # an unclosed call
    ],
)
async def test_an_unfinished_line_hides_no_other_problem(client: LanguageClient, tmp_path, unfinished):
    # Issue 21, item 7: while one line is being typed, the editor still shows
    # every other statement's problems, before and after it.
    path = tmp_path / "several.push"
    before = "let s = start\nprint undefined_one\n"
    after = "sleep 5\nprint undefined_two\n"
    document = await open_document(client, path, before + after)
    finished = {(d.range.start.line, d.message.split("\n")[0]) for d in client.diagnostics[document]}
    assert (1, "undefined variable 'undefined_one'") in finished
    assert (3, "undefined variable 'undefined_two'") in finished
    client.diagnostics.pop(document, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=before + unfinished + "\n" + after)],
        )
    )
    typing = await diagnostics_for(client, document)
    lines = {(d.range.start.line, d.message.split("\n")[0]) for d in typing}
    assert (1, "undefined variable 'undefined_one'") in lines, lines
    assert (3, "'sleep' needs a duration, and 5 has no unit") in lines, lines
    assert (4, "undefined variable 'undefined_two'") in lines, lines
    # ... and the unfinished line itself is reported too.
    assert any(d.severity == types.DiagnosticSeverity.Error and d.range.start.line in (2, 3, 5) for d in typing), lines


async def test_problems_in_included_files_go_to_those_files(client: LanguageClient, tmp_path):
    (tmp_path / "lib.push").write_text('let s = start\nsleep 5\n')
    main = tmp_path / "main.push"
    await open_document(client, main, 'include "lib.push"\nclose s apply\n')
    library = uri(tmp_path / "lib.push")
    # The included file's diagnostics come in their own notification.
    await diagnostics_for(client, library)
    (diagnostic,) = client.diagnostics[library]
    assert diagnostic.range.start == types.Position(line=1, character=6)
    # 's' comes from the include, so no error here; the checker's note points at the include.
    (note,) = client.diagnostics[uri(main)]
    assert note.severity == types.DiagnosticSeverity.Information
    # ... and says what the problem there is, since the editor shows this file.
    assert note.message.startswith("in the file included here: lib.push:2:7: 'sleep' needs a duration")
    assert note.range.start == types.Position(line=0, character=8)


async def test_completion_after_push_s_offers_entity_types(client: LanguageClient, tmp_path):
    text = "let s = start\npush s \n"
    document = await open_document(client, tmp_path / "complete.push", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=1, character=7))
    )
    labels = [item.label for item in result.items]
    assert labels == ["User"]
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=1, character=5))
    )
    assert "s" in [item.label for item in result.items]


async def test_completion_of_states_and_commands(client: LanguageClient, tmp_path):
    text = "let s = start\nwait s until pro\ncl"
    document = await open_document(client, tmp_path / "states.push", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=1, character=16))
    )
    items = {item.label: item for item in result.items}
    assert sorted(items) == ["processed", "processing"]
    edit = items["processed"].text_edit
    assert edit.range.start == types.Position(line=1, character=13)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=2, character=2))
    )
    assert [item.label for item in result.items] == ["close"]


async def test_hover_on_wait_shows_its_help(client: LanguageClient, tmp_path):
    help_text = subprocess.run([PUSHSH, "-c", "help wait"], capture_output=True, text=True).stdout.strip()
    document = await open_document(client, tmp_path / "hover.push", "let s = start\nwait s until processed timeout 5m\n")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=1, character=2))
    )
    assert hover.contents.value.strip() == help_text
    assert hover.range.start == types.Position(line=1, character=0)
    # On a variable: its defining line.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=1, character=5))
    )
    assert "let s = start" in hover.contents.value
    assert "line 1" in hover.contents.value


async def test_definition_of_a_variable_and_of_an_include(client: LanguageClient, tmp_path):
    (tmp_path / "common.push").write_text("let batch = 7\n")
    text = 'include "common.push"\nlet s = start\nif true\n  status s\nend\nprint batch\n'
    document = await open_document(client, tmp_path / "definition.push", text)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=3, character=9))
    )
    location = result[0] if isinstance(result, list) else result
    assert location.uri == document
    assert location.range.start == types.Position(line=1, character=4)
    assert location.range.end == types.Position(line=1, character=5)
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=0, character=12))
    )
    location = result[0] if isinstance(result, list) else result
    assert location.uri == uri(tmp_path / "common.push")
    # A name the include defines is found in the included file.
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=document), position=types.Position(line=5, character=8))
    )
    location = result[0] if isinstance(result, list) else result
    assert location.uri == uri(tmp_path / "common.push")
    assert location.range.start == types.Position(line=0, character=4)


async def test_document_symbols_are_the_lets_and_sessions(client: LanguageClient):
    path = ROOT / "examples" / "quickstart.push"
    document = await open_document(client, path, path.read_text())
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=document))
    )
    names = [(symbol.name, symbol.detail) for symbol in symbols]
    assert names == [("s", "session")]
    assert symbols[0].kind == types.SymbolKind.Object


async def test_diagnostics_are_exactly_pushsh_checks(client: LanguageClient):
    # Every example and every hostile corpus file: the same problems at the same places.
    files = sorted((ROOT / "examples").glob("*.push")) + sorted((ROOT / "Tests" / "Corpus").glob("*.push"))
    pattern = re.compile(r"^(.*?):(\d+):(\d+): (error|warning): (.*)$")
    for path in files:
        data = path.read_bytes()
        if b"\0" in data or len(data) > 1_000_000:
            continue  # not text an editor would send; covered by the fuzz test
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        checked = subprocess.run([PUSHSH, "check", str(path.resolve())], capture_output=True, text=True, errors="replace")
        expected = set()
        for line in checked.stderr.splitlines():
            match = pattern.match(line)
            if match and pathlib.Path(match.group(1)).resolve() == path.resolve():
                expected.add((int(match.group(2)) - 1, match.group(4), match.group(5)))
        document = await open_document(client, path, text)
        got = set()
        for diagnostic in client.diagnostics[document]:
            severity = {1: "error", 2: "warning"}.get(diagnostic.severity)
            if severity:
                got.add((diagnostic.range.start.line, severity, diagnostic.message.split("\n")[0]))
        assert got == expected, path.name
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=document))
        )

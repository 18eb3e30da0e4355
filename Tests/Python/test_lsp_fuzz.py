"""Fuzz-style: random edits of the examples sent as didChange, through pygls's
client. After every edit the server must answer completion, hover, definition
and documentSymbol requests (with a result, not an error) and stay alive.

LSP_FUZZ_SEED and LSP_FUZZ_EDITS (default 20260 and 400) change the run.
"""
import asyncio
import os
import random

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import PUSHSH, ROOT

SEED = int(os.environ.get("LSP_FUZZ_SEED", "20260"))
EDITS = int(os.environ.get("LSP_FUZZ_EDITS", "400"))
PIECES = ['"', "${", "}", "[", "]", "{", "(", ")", "\\", "\n", " ", "#", "let ", "push s User ", "wait s until ",
          "include \"", "from \"", "end\n", "if ", "for x in ", "é", "日本", "😀", "\t", "\r\n", "==", ".", "-", "9" * 30,
          "5m", "s.", "\u0007", "\u200b", "close s ", "apply", "env(", ";"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[PUSHSH, "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("neovim")))
    yield
    await lsp_client.shutdown_session()
    assert lsp_client._server.returncode == 0


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(text))
        choice = rng.random()
        if choice < 0.35 and text:
            end = min(len(text), at + rng.randint(1, 40))
            text = text[:at] + text[end:]
        elif choice < 0.8:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        else:
            start = rng.randint(0, len(text))
            text = text[:at] + text[start:start + rng.randint(1, 80)] + text[at:]
    return text[:200_000]


async def test_random_edits_never_kill_the_server(client: LanguageClient):
    rng = random.Random(SEED)
    examples = sorted((ROOT / "examples").glob("*.push"))
    answered = 0
    for round_ in range(len(examples)):
        path = examples[round_]
        document = path.resolve().as_uri()
        text = path.read_text()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=document, language_id="push", version=1, text=text)))
        for version in range(2, EDITS // len(examples) + 2):
            text = mutate(text, rng)
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=document, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
            lines = text.split("\n")
            line = rng.randint(0, len(lines))
            character = rng.randint(0, len(lines[line]) + 2 if line < len(lines) else 3)
            position = types.Position(line=line, character=character)
            identifier = types.TextDocumentIdentifier(uri=document)
            requests = [
                client.text_document_completion_async(types.CompletionParams(text_document=identifier, position=position)),
                client.text_document_hover_async(types.HoverParams(text_document=identifier, position=position)),
                client.text_document_definition_async(types.DefinitionParams(text_document=identifier, position=position)),
                client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=identifier)),
            ]
            await asyncio.wait_for(asyncio.gather(*requests), timeout=30)
            answered += len(requests)
        client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=document)))
    assert answered >= 4 * (EDITS // len(examples)) * len(examples)

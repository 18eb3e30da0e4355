// Starts `pushsh lsp` for .push files. Colours come from the TextMate grammar
// alone, so they work even when pushsh is not installed.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("pushsh");
  const command = settings.get("path", "pushsh");
  client = new LanguageClient(
    "pushsh",
    "pushsh",
    { command, args: ["lsp"] },
    {
      documentSelector: [{ language: "push" }],
      initializationOptions: { variables: settings.get("variables", []) },
    }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  client.start().catch((error) => {
    vscode.window.showWarningMessage(
      `pushsh lsp did not start (${error.message}); install pushsh (scripts/install) or set pushsh.path.`
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

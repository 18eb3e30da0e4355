import ArgumentParser
import Foundation
import PushAPI
import PushScript
import PushSyntax

/// `pushsh profiles`: the config file's profiles, never their keys.
struct Profiles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the profiles of the config file (where each connects; never the keys).",
        discussion: """
            The config file is $XDG_CONFIG_HOME/pushsh/config.toml (~/.config/pushsh/config.toml \
            by default; PUSHSH_CONFIG names another). Use a profile with --profile NAME, \
            PUSHSH_PROFILE=NAME, or 'connect profile NAME'. In the shell: help profiles.
            """)

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let book: ProfileBook
        do { book = try ProfileBook.load(environment: environment) } catch {
            Terminal.warn("pushsh: \(error.message)")
            throw ExitCode(.usage)
        }
        guard book.exists else {
            Terminal.line("no config file at \(book.path); write one to keep your integrations (see docs/profiles.md):")
            Terminal.line(Self.example)
            return
        }
        Terminal.line("profiles in \(book.path):")
        guard !book.profiles.isEmpty else {
            Terminal.line("  (none yet)")
            return
        }
        let active = environment["PUSHSH_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let rows = book.profiles.map { profile -> [String] in
            var marks: [String] = []
            if profile.name == book.defaultName { marks.append("default") }
            if profile.name == active { marks.append("PUSHSH_PROFILE") }
            return [
                profile.name + (marks.isEmpty ? "" : " (\(marks.joined(separator: ", ")))"),
                profile.targetDescription, "integration " + profile.integrationID, "key from " + profile.key.description,
            ]
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { index, cell in
                index == 3 ? cell : cell.padded(to: widths[index])
            }
            Terminal.line("  " + cells.joined(separator: "  "))
        }
    }

    static let example = """
          default = "staging"

          [profiles.staging]
          region = "eu"
          integration = "int_staging"
          key_env = "SPRINTO_STAGING_KEY"

          [profiles.production]
          region = "eu"
          integration = "int_production"
          key_command = "op read op://team/sprinto/production"
        """
}

import ArgumentParser
import CorridorDomain
import Foundation

/// Every line this module prints goes through here: text taken from records (a court's name, a
/// reason, a source title) may hold control or bidirectional-override characters, which are
/// written as visible `\u{…}` escapes instead of reaching the terminal (see ``TerminalText``).
/// Declared at module scope, it stands in for the standard library's `print` in every command.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { String(describing: $0) }.joined(separator: separator)
    Swift.print(TerminalText.escaped(text), terminator: terminator)
}

extension CorridorCommand {
    /// Runs the command line like `main()`, with error messages escaped as printed output is.
    public static func mainEscapingErrors() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }  // --help, --version
            FileHandle.standardError.write(Data((TerminalText.escaped(fullMessage(for: error)) + "\n").utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

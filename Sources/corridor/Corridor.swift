import CorridorCLI

/// The thin executable: everything lives in CorridorCLI and the libraries beneath it.
@main
struct Corridor {
    static func main() async {
        await CorridorCommand.mainEscapingErrors()
    }
}

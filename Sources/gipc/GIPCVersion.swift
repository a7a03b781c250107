/// The version of GIPCKit that this `gipc` was built from, as `gipc --version` prints it.
///
/// The one place the version is written: the release tag has the same name, and the README's
/// `.package(url:from:)` line names it too (a test checks both agree).
enum GIPCVersion {
    static let current = "0.1.0"
}

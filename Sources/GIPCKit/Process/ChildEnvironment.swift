/// The environment a child starts with: this process's, this process's with changes, or one given in full.
///
/// ```swift
/// // This process's environment, with one variable added and one removed.
/// let child = try await GIPC.start(
///     executable: "worker", environment: .inherit(updating: ["LOG_LEVEL": "debug", "HTTP_PROXY": nil]))
///
/// // Exactly these variables (a dictionary literal means the same as `.replace`).
/// let clean = try await GIPC.start(executable: "/usr/bin/env", environment: ["PATH": "/usr/bin", "LANG": "C"])
/// ```
///
/// A bare executable name is looked up in the `PATH` of the environment the child gets, not of this process:
/// `.inherit(updating: ["PATH": "/opt/tools/bin"])` finds `/opt/tools/bin/worker`.
public struct ChildEnvironment: Sendable, ExpressibleByDictionaryLiteral {
    enum Base: Sendable, Equatable {
        case inherit
        case replace([String: String])
    }

    let base: Base
    /// Applied on top of the base: a `nil` value removes the variable.
    let updates: [String: String?]

    private init(base: Base, updates: [String: String?]) {
        self.base = base
        self.updates = updates
    }

    /// This process's environment as it is when the child starts (the default).
    public static let inherit = ChildEnvironment(base: .inherit, updates: [:])

    /// This process's environment with changes: each variable in `updates` is set to its value, or removed when the
    /// value is `nil`.
    /// - Parameter updates: the variables to set or remove.
    public static func inherit(updating updates: [String: String?]) -> ChildEnvironment {
        ChildEnvironment(base: .inherit, updates: updates)
    }

    /// Exactly `variables`, nothing inherited (not even `PATH`).
    /// - Parameter variables: the child's whole environment.
    public static func replace(_ variables: [String: String]) -> ChildEnvironment {
        ChildEnvironment(base: .replace(variables), updates: [:])
    }

    /// The same as ``replace(_:)`` with the literal's variables (the last value wins for a repeated name), so that
    /// `environment: ["PATH": "/usr/bin"]` gives the child exactly that.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(base: .replace(Dictionary(elements, uniquingKeysWith: { _, last in last })), updates: [:])
    }

    /// The variables the child gets when this process's environment is `base`.
    /// - Parameter base: the environment to inherit (GIPCKit passes this process's when the child starts).
    /// - Returns: the child's whole environment.
    public func resolved(from base: [String: String]) -> [String: String] {
        var variables: [String: String]
        switch self.base {
        case .inherit: variables = base
        case .replace(let given): variables = given
        }
        for (name, value) in updates { variables[name] = value }
        return variables
    }
}

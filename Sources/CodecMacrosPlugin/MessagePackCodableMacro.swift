import SwiftCompilerPlugin
import SwiftSyntax
import SwiftSyntaxBuilder
import SwiftSyntaxMacros

/// `@MessagePackCodable`: an extension with `encodeMessagePack(to:)` and `init(messagePack:)` that write and read the
/// struct's stored properties, in declaration order, through `MessagePackMapWriter` and `MessagePackMapReader`.
struct MessagePackCodableMacro: ExtensionMacro {
    static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        guard let structDecl = declaration.as(StructDeclSyntax.self) else {
            throw MacroExpansionErrorMessage("@MessagePackCodable applies to structs only")
        }
        if structDecl.genericParameterClause != nil {
            throw MacroExpansionErrorMessage("@MessagePackCodable does not support generic structs")
        }
        let names = try storedProperties(of: structDecl)
        let writes = names.map {
            "try writer.\($0.isOptional ? "writeIfPresent" : "write")(self.\($0.identifier), forKey: \($0.literal))"
        }
        let reads = names.map {
            "self.\($0.identifier) = try reader.\($0.isOptional ? "readIfPresent" : "read")(forKey: \($0.literal))"
        }
        let conformance = protocols.isEmpty ? "" : ": GIPCCodecs.MessagePackCodable"
        let source: DeclSyntax = """
            extension \(type.trimmed)\(raw: conformance) {
                public func encodeMessagePack(to writer: GIPCCodecs.MessagePackMapWriter) throws {
                    \(raw: writes.joined(separator: "\n"))
                }

                public init(messagePack reader: GIPCCodecs.MessagePackMapReader) throws {
                    \(raw: reads.joined(separator: "\n"))
                }
            }
            """
        guard let extensionDecl = source.as(ExtensionDeclSyntax.self) else {
            throw MacroExpansionErrorMessage("@MessagePackCodable could not build its extension")
        }
        return [extensionDecl]
    }

    /// A stored property: how code names it, its key as a string literal, and whether its declared type is spelled
    /// as an optional (`T?`, `T!`, `Optional<T>`).
    struct Property {
        var identifier: String
        var literal: String
        var isOptional: Bool
    }

    /// The stored instance properties, in declaration order.
    ///
    /// - Throws: A message for anything synthesized `Codable` would treat differently from these properties.
    static func storedProperties(of structDecl: StructDeclSyntax) throws -> [Property] {
        var properties: [Property] = []
        for member in structDecl.memberBlock.members {
            let decl = member.decl
            if let name = declaredName(decl), name == "CodingKeys" {
                throw MacroExpansionErrorMessage(
                    "@MessagePackCodable needs the synthesized Codable conformance; this struct declares CodingKeys")
            }
            if let function = decl.as(FunctionDeclSyntax.self), function.name.text == "encode",
                function.signature.parameterClause.parameters.first?.firstName.text == "to"
            {
                throw MacroExpansionErrorMessage(
                    "@MessagePackCodable needs the synthesized Codable conformance; this struct declares encode(to:)")
            }
            if let initializer = decl.as(InitializerDeclSyntax.self),
                initializer.signature.parameterClause.parameters.first?.firstName.text == "from"
            {
                throw MacroExpansionErrorMessage(
                    "@MessagePackCodable needs the synthesized Codable conformance; this struct declares init(from:)")
            }
            guard let variable = decl.as(VariableDeclSyntax.self) else { continue }
            let modifiers = Set(variable.modifiers.map(\.name.text))
            if modifiers.contains("static") || modifiers.contains("class") { continue }
            if modifiers.contains("lazy") {
                throw MacroExpansionErrorMessage("@MessagePackCodable does not support lazy properties")
            }
            if !variable.attributes.isEmpty {
                throw MacroExpansionErrorMessage(
                    "@MessagePackCodable does not support properties with attributes (property wrappers)")
            }
            let isLet = variable.bindingSpecifier.tokenKind == .keyword(.let)
            // In `var a, b: Int?` the type is written once, after the last name.
            var types: [TypeSyntax?] = []
            var pending: TypeSyntax?
            for binding in variable.bindings.reversed() {
                if let type = binding.typeAnnotation?.type { pending = type }
                types.insert(binding.initializer == nil || binding.typeAnnotation != nil ? pending : nil, at: 0)
            }
            for (binding, type) in zip(variable.bindings, types) {
                guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else {
                    throw MacroExpansionErrorMessage("@MessagePackCodable supports only simply named properties")
                }
                if let accessors = binding.accessorBlock, isComputed(accessors) { continue }
                if isLet, binding.initializer != nil {
                    throw MacroExpansionErrorMessage(
                        "@MessagePackCodable does not support a let with an initial value (Codable writes it but "
                            + "never reads it); make it a var or give it no initial value")
                }
                let identifier = pattern.identifier.text
                var name = identifier
                if name.hasPrefix("`"), name.hasSuffix("`"), name.count >= 2 {
                    name = String(name.dropFirst().dropLast())
                }
                properties.append(
                    Property(
                        identifier: identifier, literal: stringLiteral(name), isOptional: type.map(isOptional) ?? false)
                )
            }
        }
        return properties
    }

    /// Whether `type` is spelled as an optional. Optionals behind a type alias are found at run time instead.
    static func isOptional(_ type: TypeSyntax) -> Bool {
        if type.is(OptionalTypeSyntax.self) || type.is(ImplicitlyUnwrappedOptionalTypeSyntax.self) { return true }
        if let identifier = type.as(IdentifierTypeSyntax.self) {
            return identifier.name.text == "Optional" && identifier.genericArgumentClause != nil
        }
        if let member = type.as(MemberTypeSyntax.self) {
            return member.name.text == "Optional" && member.baseType.trimmedDescription == "Swift"
                && member.genericArgumentClause != nil
        }
        if let attributed = type.as(AttributedTypeSyntax.self) { return isOptional(attributed.baseType) }
        return false
    }

    /// Whether an accessor block makes a computed property (a getter) rather than observers of a stored one.
    static func isComputed(_ block: AccessorBlockSyntax) -> Bool {
        switch block.accessors {
        case .getter: return true
        case .accessors(let accessors):
            return accessors.contains { accessor in
                let kind = accessor.accessorSpecifier.tokenKind
                return kind != .keyword(.willSet) && kind != .keyword(.didSet)
            }
        }
    }

    /// The name a nested type or type alias declares.
    static func declaredName(_ decl: DeclSyntax) -> String? {
        if let enumDecl = decl.as(EnumDeclSyntax.self) { return enumDecl.name.text }
        if let structDecl = decl.as(StructDeclSyntax.self) { return structDecl.name.text }
        if let alias = decl.as(TypeAliasDeclSyntax.self) { return alias.name.text }
        if let classDecl = decl.as(ClassDeclSyntax.self) { return classDecl.name.text }
        return nil
    }

    /// `text` as a Swift string literal (identifiers hold no quotes or backslashes, but escape them anyway).
    static func stringLiteral(_ text: String) -> String {
        var literal = "\""
        for character in text {
            if character == "\\" || character == "\"" { literal.append("\\") }
            literal.append(character)
        }
        return literal + "\""
    }
}

@main
struct GIPCCodecMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [MessagePackCodableMacro.self]
}

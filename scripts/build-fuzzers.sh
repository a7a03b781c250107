#!/usr/bin/env bash
# Builds the libFuzzer targets outside SwiftPM: each target is one executable compiled from its module's sources,
# the files it shares with the tests (Tests/TestSupport) and its own files, with -sanitize=fuzzer,address (libFuzzer
# supplies main). The frame target imports GIPCRuntime, which is built first as a module of its own. The handshake
# target also needs swift-crypto: it links the objects of the SwiftPM debug build (built first if missing), without
# the sanitizers' instrumentation in them.
#
#   scripts/build-fuzzers.sh [OUT_DIR] [TARGET...]     (default OUT_DIR .build/fuzz, all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/fuzz}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frame msgpack plist json value handshake)
mkdir -p "$out/obj"

swiftc=${SWIFTC:-swiftc}
clang=${CLANG:-clang}
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -use-ld=lld
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault -package-name GIPCKit)

# Files the targets share with the tests (GIPCTestSupport) and with each other.
frame_shared=(Tests/TestSupport/FrameDecoderReplay.swift)
codec_shared=(Tests/TestSupport/CodecFuzzChecks.swift Fuzz/FuzzSupport.swift)
handshake_shared=(Tests/TestSupport/HandshakeChecks.swift)

build_runtime() {
    # The C shims, built with the same sanitizers so that their coverage counts too.
    local objects=()
    for source in Sources/CSystem/*.c; do
        objects+=("$out/obj/$(basename "$source" .c).o")
        "$clang" -c -O1 -g -fsanitize=fuzzer-no-link,address -ISources/CSystem/include "$source" -o "${objects[-1]}"
    done
    # SwiftPM generates the C target's module map; outside SwiftPM we write the same one.
    mkdir -p "$out/obj/CGIPCSystem"
    printf 'module CGIPCSystem {\n  umbrella "%s"\n  export *\n}\n' "$PWD/Sources/CSystem/include" \
        >"$out/obj/CGIPCSystem/module.modulemap"
    # GIPCRuntime, which the transport imports, as a module of its own: its interface and one object file.
    "$swiftc" "${flags[@]}" -module-name GIPCRuntime -I"$out/obj/CGIPCSystem" -ISources/CSystem/include \
        -c -wmo -emit-module -emit-module-path "$out/obj/GIPCRuntime.swiftmodule" \
        $(find Sources/Runtime -name '*.swift' | sort) -o "$out/obj/GIPCRuntime.o"
    runtime_objects=("${objects[@]}" "$out/obj/GIPCRuntime.o")
}

build_transport() {
    build_runtime
    # The socket files need swift-crypto; the frame target has no use for them.
    "$swiftc" "${flags[@]}" -module-name FuzzFrame -I"$out/obj/CGIPCSystem" -ISources/CSystem/include -I"$out/obj" \
        $(find Sources/Transport -name '*.swift' -not -path '*/Sockets/*' | sort) "${frame_shared[@]}" \
        Fuzz/Frame/*.swift "${runtime_objects[@]}" -o "$out/fuzz-frame"
}

build_handshake() {
    build_runtime
    local debug
    debug=$(swift build --show-bin-path)
    [ -e "$debug/Modules/Crypto.swiftmodule" ] || swift build --target GIPCTransport
    local crypto=()
    for module in Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims; do
        while IFS= read -r object; do crypto+=("$object"); done < <(find "$debug/$module.build" -name '*.o' | sort)
    done
    "$swiftc" "${flags[@]}" -module-name FuzzHandshake -I"$out/obj/CGIPCSystem" -ISources/CSystem/include \
        -I"$out/obj" -I"$debug/Modules" $(find Sources/Transport -name '*.swift' | sort) "${handshake_shared[@]}" \
        Fuzz/Handshake/*.swift \
        "${runtime_objects[@]}" "${crypto[@]}" -lstdc++ -o "$out/fuzz-handshake"
}

build_codec() { # name dir
    "$swiftc" "${flags[@]}" -module-name "Fuzz$2" -ISources/CMsgPack $(pkg-config --cflags msgpack) \
        Sources/Codecs/*.swift "${codec_shared[@]}" "Fuzz/$2/"*.swift $(pkg-config --libs msgpack) -o "$out/fuzz-$1"
}

# Rebuilds a target only when a source it is made from is newer than its binary.
uptodate() { # binary sources...
    local binary=$1
    shift
    [ -e "$binary" ] && [ -z "$(find "$@" scripts/build-fuzzers.sh -newer "$binary" 2>/dev/null | head -1)" ]
}

for target in "${targets[@]}"; do
    case $target in
    frame) sources=(Sources/Runtime Sources/Transport Sources/CSystem "${frame_shared[@]}" Fuzz/Frame) ;;
    handshake) sources=(Sources/Runtime Sources/Transport Sources/CSystem "${handshake_shared[@]}" Fuzz/Handshake) ;;
    msgpack) sources=(Sources/Codecs "${codec_shared[@]}" Fuzz/MessagePack) ;;
    plist) sources=(Sources/Codecs "${codec_shared[@]}" Fuzz/PropertyList) ;;
    json) sources=(Sources/Codecs "${codec_shared[@]}" Fuzz/JSON) ;;
    value) sources=(Sources/Codecs "${codec_shared[@]}" Fuzz/Value) ;;
    *) sources=() ;;
    esac
    if [ ${#sources[@]} -gt 0 ] && uptodate "$out/fuzz-$target" "${sources[@]}"; then
        echo "up to date: $out/fuzz-$target"
        continue
    fi
    case $target in
    frame) build_transport ;;
    handshake) build_handshake ;;
    msgpack) build_codec msgpack MessagePack ;;
    plist) build_codec plist PropertyList ;;
    json) build_codec json JSON ;;
    value) build_codec value Value ;;
    *) echo "unknown fuzz target $target" >&2; exit 2 ;;
    esac
    echo "built $out/fuzz-$target"
done

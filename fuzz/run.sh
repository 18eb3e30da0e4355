#!/usr/bin/env bash
# Fuzzing pushsh with libFuzzer (see docs/reliability.md, "Fuzzing").
#
#   fuzz/run.sh [parser|sandbox] [SECONDS] [-- LIBFUZZER-FLAGS...]
#                                  build the target if its sources changed, then fuzz it
#                                  for SECONDS (default 60) in one process
#   fuzz/run.sh [parser|sandbox] FILE...   build, then run the target once on each FILE
#                                  (a saved crash in fuzz/crashes/, a seed)
#   fuzz/run.sh [parser|sandbox] build     only build
#
# parser:  Sources/PushSyntax/*.swift + fuzz/parser/FuzzParser.swift, one module
# sandbox: swift-http-types' HTTPTypes (from .build/checkouts; `swift package
#          resolve` fetches it) as the module HTTPTypes, then
#          Sources/PushAPI/**/*.swift (the client core links no network library)
#          as the module PushAPI, then
#          Sources/PushSandbox/Service/*.swift + fuzz/sandbox/FuzzSandbox.swift on top
#
# Needs a Swift toolchain for Linux (swiftc with -sanitize=fuzzer). Builds go to
# .build-fuzz/TARGET/, inputs that found new coverage to .build-fuzz/corpus/TARGET/
# (the seeds in fuzz/corpus/TARGET/ are only read), crashes to fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-parser}
shift || true
out=.build-fuzz/$target
binary=$out/fuzz-$target
swift_flags=(-parse-as-library -sanitize=fuzzer,address -O -g -use-ld=lld)

case $target in
parser)
    sources=(Sources/PushSyntax/*.swift fuzz/parser/FuzzParser.swift)
    max_len=8192
    ;;
sandbox)
    [[ -d .build/checkouts/swift-http-types ]] || swift package resolve >&2
    mapfile -t httptypes < <(find .build/checkouts/swift-http-types/Sources/HTTPTypes -name '*.swift' | sort)
    mapfile -t api < <(find Sources/PushAPI -name '*.swift' | sort)
    sources=("${httptypes[@]}" "${api[@]}" Sources/PushSandbox/Service/*.swift fuzz/sandbox/FuzzSandbox.swift)
    max_len=16384
    ;;
*)
    sed -n '2,20p' "$0" >&2
    exit 2
    ;;
esac

build() {
    mkdir -p "$out"
    local stale=no
    [[ -x $binary ]] || stale=yes
    for f in "${sources[@]}" "$0"; do [[ $f -nt $binary ]] && stale=yes; done
    [[ $stale == yes ]] || return 0
    echo "fuzz/run.sh: building $binary" >&2
    if [[ $target == parser ]]; then
        swiftc "${swift_flags[@]}" -module-name PushSyntax "${sources[@]}" -o "$binary"
    else
        swiftc -parse-as-library -sanitize=fuzzer,address -O -g -wmo \
            -suppress-warnings -module-name HTTPTypes -emit-module -emit-module-path "$out/HTTPTypes.swiftmodule" \
            -emit-library -static "${httptypes[@]}" -o "$out/libHTTPTypes.a"
        swiftc -parse-as-library -sanitize=fuzzer,address -O -g -wmo -I "$out" \
            -module-name PushAPI -emit-module -emit-module-path "$out/PushAPI.swiftmodule" \
            -emit-library -static "${api[@]}" -o "$out/libPushAPI.a"
        swiftc "${swift_flags[@]}" -module-name SandboxFuzz -I "$out" -L "$out" -lPushAPI -lHTTPTypes \
            Sources/PushSandbox/Service/*.swift fuzz/sandbox/FuzzSandbox.swift -o "$binary"
    fi
}

build
[[ ${1:-} == build ]] && exit 0

# Swift keeps some allocations for the life of the process (metadata caches),
# which LeakSanitizer would report; leaks are not what these targets look for.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:malloc_context_size=0}
common=(-timeout=10 -rss_limit_mb=2048 -max_len=$max_len -dict=fuzz/$target.dict -detect_leaks=0)

if [[ $# -gt 0 && -e $1 ]]; then
    exec "$binary" "${common[@]}" "$@"
fi

seconds=${1:-60}
shift || true
[[ ${1:-} == -- ]] && shift
mkdir -p ".build-fuzz/corpus/$target" fuzz/crashes
exec "$binary" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="fuzz/crashes/$target-" "$@" ".build-fuzz/corpus/$target" "fuzz/corpus/$target"

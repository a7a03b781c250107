# `make profile-codec`: instructions per encode and per decode of the benchmark record (Sources/BenchRecord) in each
# codec, counted by callgrind, so that a codec regression shows as a number on a noisy machine. The program
# (Benchmarks/CodecProfile, no product) runs twice per codec and operation, with PROFILE_SMALL and PROFILE_LARGE
# messages; the difference of the two totals divided by the difference of the counts leaves out start-up.
# Options: PROFILE_SMALL=1000 PROFILE_LARGE=11000 PROFILE_CODECS="msgpack json".

PROFILE_SMALL ?= 1000
PROFILE_LARGE ?= 11000
PROFILE_CODECS ?= msgpack msgpack-generated json json-foundation

.PHONY: profile-codec

profile-codec: build-deps
	@command -v valgrind >/dev/null 2>&1 || { \
		echo "installing valgrind"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind; }
	$(SWIFT) build -c release --product gipc-codec-profile $(SWIFT_FLAGS)
	@scripts/profile-codec.sh "$$($(SWIFT) build -c release --show-bin-path)/gipc-codec-profile" \
		$(PROFILE_SMALL) $(PROFILE_LARGE) $(PROFILE_CODECS)

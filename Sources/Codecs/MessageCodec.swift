/// Placeholder until the codecs land.
enum CodecsModule {}

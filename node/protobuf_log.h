// Protobuf's own log lines (for example "String field ... contains invalid
// UTF-8 data" when a client sends a bad request) go through the node's log
// instead of straight to stderr, and at a bounded rate, so no client can
// fill the operator's log by sending bad bytes.
#pragma once

#include <chrono>
#include <cstdint>

namespace creg {

// Installs the handler for the whole process. Lines beyond `burst` within
// one `window` are counted, not written; the next line written after the
// window says how many were dropped. Call once, before serving.
// Default: 5 lines per 60 s (a misbehaving client is reported, not echoed).
void RouteProtobufLogToNodeLog(uint32_t burst = 5,
                               std::chrono::seconds window = std::chrono::seconds(60));

}  // namespace creg

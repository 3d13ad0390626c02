// The one mapping between Status and the wire's Error message
// (proto/creg/wire.proto; docs/protocol.md, "Errors"), in both directions.
// The node renders every Error it sends with it and the client reads every
// Error it receives with it, so the code names exist in one place.
//
// A wire code is the canonical name of a StatusCode (StatusCodeName):
// "INVALID_ARGUMENT", "NOT_FOUND", "RESOURCE_EXHAUSTED", "UNAVAILABLE", ...
// The names are part of the protocol and never change. Every code but kOk
// round-trips: StatusFromWire(WireError(s)) == s.
//
// Thread-safe: plain functions without state.
#pragma once

#include <cstdint>

#include "creg/wire.pb.h"
#include "ledger/status.h"

namespace creg {

// The Error for a failed `status`: its code's name and its message. An OK
// status is no error; passing one is a bug, answered with code "INTERNAL"
// so that the peer still sees the request fail.
pb::Error WireError(const Status& status);

// A Response with id `id` whose body is WireError(status). Id 0 is the
// node's, for errors about the connection itself.
pb::Response ErrorResponse(const Status& status, uint64_t id = 0);

// The Status an Error stands for: the code its name names, and its message.
// A name that is not a code's, including "OK" and "", gives kInternal with
// the message "unknown error code 'NAME': MESSAGE", so the request still
// fails and the name is kept for the person reading it.
Status StatusFromWire(const pb::Error& error);

}  // namespace creg

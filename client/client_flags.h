// The connection flags every tool that talks to a node shares, beside
// --node itself (docs/cli.md):
//
//   --tls-ca FILE   connect with TLS and trust the node only if its
//                   certificate chains to one in FILE (PEM); the node's own
//                   self-signed certificate will do. Falls back to the
//                   CREG_TLS_CA environment variable. Default: plain TCP.
//
//   ClientOptions options = ReadClientFlags(args);  // before args.Finish()
//   auto client = Client::Connect(address, options);
#pragma once

#include "cmdline/args.h"
#include "client/client.h"

namespace creg {

// The help text of these flags, one line each, indented by two spaces.
inline constexpr char kClientFlagsHelp[] =
    "  --tls-ca FILE     connect with TLS, trusting the certificates in FILE\n"
    "                    [CREG_TLS_CA, else plain TCP]\n";

// Reads the flags above from `args` into a ClientOptions with the other
// fields at their defaults. A flag without a value is reported by
// args.Finish().
ClientOptions ReadClientFlags(Args& args);

}  // namespace creg

// The connection flag every tool that talks to a node shares, beside
// --node itself (cmdline::AddNodeFlag; docs/cli.md):
//
//   --tls-ca FILE   connect with TLS and trust the node only if its
//                   certificate chains to one in FILE (PEM); the node's own
//                   self-signed certificate will do. Falls back to the
//                   CREG_TLS_CA environment variable. Default: plain TCP.
//
//   ClientOptions options;
//   AddClientFlags(*app, options);  // before parsing
//   auto client = Client::Connect(address, options);
#pragma once

#include "client/client.h"
#include "cmdline/app.h"

namespace creg {

// Adds the flag above to `app`, bound to `options`; returns it.
CLI::Option* AddClientFlags(CLI::App& app, ClientOptions& options);

}  // namespace creg

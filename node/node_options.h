// The settings of `cregd run`, with defaults and reasons (docs/operations.md
// lists the same). Those without a command-line flag are fixed in this
// version.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "net/address.h"
#include "net/frame.h"
#include "node/commit_pipeline.h"
#include "node/read_policy.h"

namespace creg {

struct NodeOptions {
  // Data folder (ledger/data_dir.h). Default: ./creg-data, so the demo and a
  // first try need no flags.
  std::string data_dir = "./creg-data";
  // Address to serve. Default: loopback only; exposing a registry is a
  // deliberate act (--listen 0.0.0.0:7600).
  std::string listen = "127.0.0.1:7600";
  // Threads running the network event loop. Default: 2; sessions are cheap
  // and the heavy work (signatures, commits) runs on pipeline threads.
  int io_threads = 2;
  // Largest frame accepted. Default: 4 MiB (see net/frame.h).
  uint32_t max_frame_bytes = kDefaultMaxFrameBytes;
  // Simultaneous client connections; more are answered with an error and
  // closed. Default: 4096.
  size_t max_connections = 4096;
  // Requests one connection may have unanswered; more are answered with
  // RESOURCE_EXHAUSTED. Default: 1024, deep enough to pipeline a bulk file.
  size_t max_in_flight = 1024;
  // Subscriptions one connection may hold; more are answered with
  // RESOURCE_EXHAUSTED. Each holds a coroutine and counts against
  // max_in_flight for its life. Default: 4; following the log needs one,
  // and a few more let a client restart from another entry without
  // reconnecting.
  size_t max_subscriptions_per_connection = 4;
  // Subscriptions the whole node may hold; more are answered with
  // RESOURCE_EXHAUSTED. Default: 1024, far more than the mirrors and
  // auditors a registry serves, and well below what max_connections times
  // the per-connection cap (16,384) would let one client open.
  size_t max_subscriptions = 1024;
  // A connection that sends nothing for this long, while it has no
  // unanswered request and no subscription, is closed. A subscriber is
  // never idle: it waits for the log to grow, which on a quiet registry may
  // take hours; one that stops reading is closed by max_write_queue_bytes.
  // Default: 300 s.
  std::chrono::seconds idle_timeout{300};
  // A frame must arrive whole within this time of its first byte, so slow
  // senders cannot hold connections. Default: 30 s.
  std::chrono::seconds read_timeout{30};
  // Responses queued for a client that does not read them; past this the
  // connection is closed. Default: 64 MiB.
  size_t max_write_queue_bytes = 64u << 20;
  // TLS for every client connection: the node's certificate chain and its
  // private key, PEM files (net/tls_context.h). Both or neither. Default:
  // neither, plain TCP, so a loopback node and the demo need no
  // certificate; a node reachable from other machines should set them.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Serve Prometheus metrics here (HOST:PORT); empty = off. Default: off.
  std::string metrics_listen;
  // Serve the public, read-only C2SP tlog-tiles surface (checkpoint, hash
  // tiles, entry bundles; docs/http.md) over plain HTTP here (HOST:PORT);
  // empty = off. Default: off, like metrics: publishing is a deliberate act.
  std::string http_listen;
  // Simultaneous HTTP connections; more are answered 503 and closed.
  // Default: 1024, far more than the monitors and witnesses reading a log
  // (each connection fetches many tiles in turn).
  size_t http_max_connections = 1024;
  // Simultaneous HTTP connections from one IP address; at the cap a new one
  // replaces that address's connection idle longest. Default: 64, many
  // times what a browser or a monitor opens, so that one address cannot
  // take every place.
  size_t http_max_connections_per_address = 64;
  // An HTTP request header must arrive whole within this time of the
  // connection being ready for it (this also ends idle keep-alive
  // connections), and an answer must be taken within it. Default: 10 s.
  std::chrono::seconds http_read_timeout{10};
  // How long shutdown waits for clients to receive their last answers.
  // Default: 5 s.
  std::chrono::seconds drain_timeout{5};
  // Who may read what (node/read_policy.h, docs/security.md "Read
  // access"). Default: registry: the public reads the public record
  // (projects, batches, retirements, certificates, checkpoints, proofs),
  // holders their own accounts, operators and auditors everything; a
  // registry that publishes everything chooses public-log.
  ReadPolicy read_policy = ReadPolicy::kRegistry;
  // Sign-in attempts (sign_in requests) one connection may make; more are
  // answered with RESOURCE_EXHAUSTED. Default: 5; a client signs in once.
  size_t sign_in_attempts_per_connection = 5;
  // Sign-in attempts from one remote IP address: a burst of this many,
  // then one more every sign_in_refill_per_address. Default: 20 and 3 s,
  // far above what honest clients need, and 20 guesses a minute at most
  // for someone trying keys (each guess costs a 2^-128 chance).
  size_t sign_in_burst_per_address = 20;
  std::chrono::milliseconds sign_in_refill_per_address{3000};
  // Witnesses that must cosign a checkpoint before it is published
  // (docs/witness.md), each "URL=VERIFIER_KEY". Default: none, every signed
  // checkpoint is published at once.
  std::vector<std::string> witnesses;
  // Cosignatures a checkpoint needs. Default: 0, meaning every witness.
  size_t witness_quorum = 0;
  // One add-checkpoint request must finish within this. Default: 5 s, long
  // enough for a witness's synced write, short enough that one that hangs
  // delays the next round only a little.
  std::chrono::milliseconds witness_timeout{5000};
  // Mirror mode (docs/replication.md): the writer's addresses, HOST:PORT,
  // tried in turn. Default: none, this node is the writer.
  std::vector<std::string> follow;
  // With a writer whose read policy is not public: the account the mirror
  // signs in as (an auditor's, usually) and its private key file (PEM).
  std::string follow_account;
  std::string follow_key_file;
  // With a writer serving TLS: the CA file its certificate chains to.
  std::string follow_tls_ca_file;
  // On the writer (docs/replication.md, "Synchronous mirrors"): answer a
  // write only once this many signed-in mirrors stored it, and sign
  // checkpoints only of what they hold. Default: 0, answer at once.
  size_t sync_mirrors = 0;
  // How long an answer waits for them before it is UNAVAILABLE.
  // Default: 5 s.
  std::chrono::milliseconds sync_timeout{5000};
  PipelineOptions pipeline;
};

}  // namespace creg

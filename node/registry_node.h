// RegistryNode: a registry data folder opened for serving; `cregd init`
// and `cregd backup`.
//
// Open order: data folder -> RocksDB store -> registry (log + state) ->
// checkpoint key -> checkpointer (signs the head at once, unless the
// node is a mirror or a writer with sync mirrors or a fence: those publish
// the checkpoint saved before) -> commit pipeline (and its sync gate) ->
// request handler -> server -> control socket. Close runs the other way, so the
// database is closed only after every commit was answered.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "ledger/data_dir.h"
#include "ledger/registry/registry.h"
#include "ledger/store.h"
#include "node/checkpoint_fence.h"
#include "node/checkpointer.h"
#include "node/commit_pipeline.h"
#include "node/control_socket.h"
#include "node/follower.h"
#include "node/node_context.h"
#include "node/node_options.h"
#include "node/publisher.h"
#include "node/request_handler.h"
#include "node/server.h"
#include "node/sync_gate.h"

namespace creg {

struct InitOptions {
  std::string data_dir = "./creg-data";
  // Registry origin: the checkpoint origin line and what transactions name.
  std::string origin;
  // Account id of the first operator. Default: "operator".
  std::string operator_id = "operator";
  std::string operator_name = "Registry operator";
  // If set, make an empty member of an existing registry instead: the
  // writer's data folder, or a copy of its keys/ and verifier.key.
  std::string join;
};

// Creates a new registry data folder: keys (PEM, 0600), the database, the
// operator's account as entry 0, and a first signed checkpoint. Prints what
// it made to `out`. AlreadyExists if the folder already holds a registry.
//
// With options.join, makes an empty member of that registry instead: its
// checkpoint key and verifier key copied (not the operator's key), the
// origin taken from the verifier key, an empty database. NotFound naming
// the file missing from the join folder; InvalidArgument if its checkpoint
// key is not the verifier key's, or --origin names another registry.
Status InitRegistry(const InitOptions& options, std::ostream& out);

struct BackupOptions {
  std::string data_dir = "./creg-data";
  // The new folder to write the backup to; its parent must exist.
  std::string destination;
  // How long to wait for a running node to finish the backup.
  std::chrono::milliseconds timeout = std::chrono::hours(1);
};

// Backs up a registry data folder (ledger/registry/backup.h): through the
// control socket of the node serving it, or, if none does, by opening the
// folder itself. Prints what it made to `out`. NotFound if there is no
// registry; Unavailable if a node holds the folder but does not answer on
// its control socket.
Status BackupRegistry(const BackupOptions& options, std::ostream& out);

// A registry data folder opened with nothing serving it: what
// RegistryNode::Open opens first, and what a member of a cluster opens
// between two roles to reconcile its log (node/cluster_member.h). The
// registry checks leader-term entries with the registry's key (the
// checkpoint key's). Members are destroyed in the reverse order.
struct RegistryFolder {
  explicit RegistryFolder(std::string data_dir) : dir(std::move(data_dir)) {}
  DataDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;
  std::optional<PrivateKey> checkpoint_key;
  std::optional<NoteVerifier> verifier;  // of the checkpoint key
  // Signs with the checkpoint key; publishes to DIR/checkpoint on Save.
  std::unique_ptr<Checkpointer> checkpointer;
  // DIR/checkpoint if it still holds (ReadSavedCheckpoint); null otherwise.
  std::shared_ptr<SignedCheckpoint> saved;
};

// Opens the folder. NotFound naming it if it holds no registry; the errors
// of the key files and of the store (FailedPrecondition: in use by a
// running node).
StatusOr<RegistryFolder> OpenRegistryFolder(const std::string& data_dir);

// What a node opened on a data folder is.
struct NodeRole {
  enum class Kind {
    // Takes writes, signs checkpoints.
    kWriter,
    // Copies the log of the writer at options.follow, checks it, serves
    // reads, and answers writes NOT_LEADER (docs/replication.md).
    kMirror,
  };
  Kind kind = Kind::kWriter;
  // A writer that may lose its role (writer failover): nothing is
  // acknowledged or published before the fence recorded a checkpoint
  // covering it (node/checkpoint_fence.h, node/sync_gate.h). Outlives the
  // node. Null: a writer that keeps its role for its life.
  CheckpointFence* fence = nullptr;
  // With a fence: runs once, on a node thread, when the writer lost its
  // role (the node already refuses writes); the owner then stops and
  // destroys the node, not from inside the call.
  std::function<void(const std::string& why)> on_fence_lost;
  // A member of a cluster (node/cluster_member.h): the cluster's NAME, and
  // the term the role belongs to, the create_revision of the etcd leader
  // key of that term's writer (a writer's own; a mirror's, the writer's it
  // follows). StatusResponse reports both. Empty and 0: no cluster.
  std::string cluster;
  int64_t term = 0;
  // A mirror that copies nothing yet: it serves its log as it is and
  // answers writes NOT_LEADER naming options.follow's first address. A
  // member of a cluster stands by so while the writer it will mirror
  // prepares, since that writer may need to copy entries from it
  // (node/reconcile.h). Its status: role "mirror", not connected.
  bool standby = false;

  static NodeRole Writer(CheckpointFence* fence = nullptr,
                         std::function<void(const std::string& why)> on_fence_lost = {}) {
    return NodeRole{Kind::kWriter, fence, std::move(on_fence_lost), {}, 0, false};
  }
  static NodeRole Mirror() { return NodeRole{Kind::kMirror, nullptr, {}, {}, 0, false}; }
  static NodeRole Standby() { return NodeRole{Kind::kMirror, nullptr, {}, {}, 0, true}; }
  // This role, serving under term `term_revision` of cluster `name`.
  NodeRole InCluster(std::string name, int64_t term_revision) && {
    cluster = std::move(name);
    term = term_revision;
    return std::move(*this);
  }
};

class RegistryNode {
 public:
  // Loads the TLS certificate and key (if configured), opens the data folder
  // as `role` and binds the listening socket. InvalidArgument naming the
  // TLS file that cannot be used, before anything else is opened, or when
  // the options do not fit the role (a mirror without options.follow, a
  // writer with it, a fence on a mirror).
  static StatusOr<std::unique_ptr<RegistryNode>> Open(const NodeOptions& options, NodeRole role);
  ~RegistryNode();

  Server::tcp::endpoint endpoint() const { return server_->endpoint(); }
  // Where the metrics are served, if --metrics was given.
  std::optional<Server::tcp::endpoint> metrics_endpoint() const {
    return server_->metrics_endpoint();
  }
  // Where the tlog-tiles HTTP surface is served, if --http was given.
  std::optional<Server::tcp::endpoint> http_endpoint() const { return server_->http_endpoint(); }
  std::string verifier_key() const { return checkpointer_->VerifierKey(); }
  bool tls() const { return tls_context_ != nullptr; }
  // Serves until SIGINT/SIGTERM or RequestStop, then drains.
  void Run() { server_->Run(); }
  // Makes Run drain and return. Any thread.
  void RequestStop() { server_->RequestStop(); }

 private:
  RegistryNode() = default;
  NodeOptions options_;
  std::unique_ptr<DataDir> data_dir_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<Publisher> publisher_;  // only with witnesses
  std::unique_ptr<Follower> follower_;    // only on a mirror
  std::unique_ptr<SyncGate> sync_gate_;   // only with --sync-mirrors or a fence
  std::unique_ptr<CommitPipeline> pipeline_;
  std::unique_ptr<RequestHandler> handler_;
  std::unique_ptr<NodeContext> context_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<ControlSocket> control_;
};

}  // namespace creg

#include "node/registry_node.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "ledger/checkpoint.h"
#include "ledger/keys.h"
#include "ledger/log_entry.h"
#include "ledger/registry/backup.h"
#include "ledger/registry/transaction.h"
#include "net/tls_context.h"
#include "node/log.h"
#include "node/mirroring.h"
#include "node/publication.h"
#include "node/quarantine.h"

namespace creg {
namespace {

StoreOptions NodeStoreOptions(bool create) {
  StoreOptions options;
  options.create_if_missing = create;
  // RocksDB's warnings and errors in the node's own log.
  options.on_rocksdb_message = [](std::string_view message) {
    LogWarning("rocksdb " + std::string(message));
  };
  return options;
}

// Lets the node hold as many connections as it is configured for.
void RaiseFileLimit(size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t target = std::min<rlim_t>(limit.rlim_max, static_cast<rlim_t>(wanted));
  if (limit.rlim_cur < target) {
    limit.rlim_cur = target;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

Status RefuseExistingRegistry(const InitOptions& options, const DataDir& dir) {
  if (std::filesystem::exists(dir.db_path()) ||
      std::filesystem::exists(dir.checkpoint_key_path())) {
    return AlreadyExistsError(options.data_dir +
                              " already holds a registry; refusing to overwrite it");
  }
  return OkStatus();
}

Status MakeKeysFolder(const DataDir& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir.keys_dir(), ec);
  if (ec) return UnavailableError("cannot create " + dir.keys_dir() + ": " + ec.message());
  ::chmod(dir.keys_dir().c_str(), 0700);
  return OkStatus();
}

std::string TrimLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

Status JoinRegistry(const InitOptions& options, std::ostream& out) {
  DataDir dir(options.data_dir);
  CREG_RETURN_IF_ERROR(RefuseExistingRegistry(options, dir));
  DataDir source(options.join);
  StatusOr<std::string> verifier_text = ReadFile(source.verifier_key_path());
  if (!verifier_text.ok()) {
    return NotFoundError("no verifier.key in " + options.join +
                         ": give the writer's data folder, or a copy of its keys/ and "
                         "verifier.key (" +
                         verifier_text.status().message() + ")");
  }
  const std::string verifier_key = TrimLine(*verifier_text);
  StatusOr<NoteVerifier> verifier = NoteVerifier::FromVerifierKey(verifier_key);
  if (!verifier.ok()) {
    return InvalidArgumentError(source.verifier_key_path() +
                                " is not a verifier key: " + verifier.status().message());
  }
  const std::string origin = verifier->name();
  if (!options.origin.empty() && options.origin != origin) {
    return InvalidArgumentError("the registry in " + options.join + " is '" + origin + "', not '" +
                                options.origin + "'");
  }
  StatusOr<PrivateKey> key = PrivateKey::LoadFile(source.checkpoint_key_path());
  if (!key.ok()) {
    return NotFoundError("no usable keys/checkpoint.key in " + options.join + ": " +
                         key.status().message());
  }
  if (key->public_key() != verifier->key()) {
    return InvalidArgumentError(source.checkpoint_key_path() + " is not the key of " +
                                source.verifier_key_path());
  }
  CREG_RETURN_IF_ERROR(MakeKeysFolder(dir));
  CREG_RETURN_IF_ERROR(key->SaveFile(dir.checkpoint_key_path()));
  CREG_RETURN_IF_ERROR(WriteFileAtomically(dir.verifier_key_path(), verifier_key + "\n"));
  CREG_ASSIGN_OR_RETURN(
      std::unique_ptr<Store> store,
      Store::Open(dir.db_path(), NodeStoreOptions(true), Registry::ColumnNames()));
  RegistryOptions registry_options;
  registry_options.origin = origin;
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Registry> registry,
                        Registry::Open(store.get(), registry_options));
  out << "Created an empty member of registry '" << origin << "' in " << options.data_dir << "\n"
      << "  checkpoint key:    " << dir.checkpoint_key_path() << "\n"
      << "  verifier key:      " << verifier_key << "\n"
      << "Start it as a mirror with: cregd run --data " << options.data_dir
      << " --listen HOST:PORT --follow WRITER-HOST:PORT\n";
  return OkStatus();
}

Status CheckRole(const NodeOptions& options, const NodeRole& role) {
  const bool mirror = role.kind == NodeRole::Kind::kMirror;
  if (mirror && options.follow.empty()) {
    return InvalidArgumentError("a mirror needs the address of its writer (--follow HOST:PORT)");
  }
  if (!mirror && !options.follow.empty()) {
    return InvalidArgumentError("a writer follows no one; --follow is for a mirror");
  }
  if (mirror && role.fence != nullptr) {
    return InvalidArgumentError("a mirror signs nothing, so it has no checkpoint fence");
  }
  return OkStatus();
}

}  // namespace

Status InitRegistry(const InitOptions& options, std::ostream& out) {
  if (!options.join.empty()) return JoinRegistry(options, out);
  DataDir dir(options.data_dir);
  CREG_RETURN_IF_ERROR(RefuseExistingRegistry(options, dir));
  if (options.origin.empty())
    return InvalidArgumentError("--origin is required (for example registry.example.org)");
  if (!IsValidNoteKeyName(options.origin)) {
    return InvalidArgumentError("origin '" + options.origin +
                                "' must be one word without spaces or '+'");
  }
  CREG_RETURN_IF_ERROR(MakeKeysFolder(dir));

  CREG_ASSIGN_OR_RETURN(PrivateKey checkpoint_key, PrivateKey::Generate());
  CREG_ASSIGN_OR_RETURN(PrivateKey operator_key, PrivateKey::Generate());
  CREG_RETURN_IF_ERROR(checkpoint_key.SaveFile(dir.checkpoint_key_path()));
  CREG_RETURN_IF_ERROR(operator_key.SaveFile(dir.operator_key_path()));

  CREG_ASSIGN_OR_RETURN(
      std::unique_ptr<Store> store,
      Store::Open(dir.db_path(), NodeStoreOptions(true), Registry::ColumnNames()));
  RegistryOptions registry_options;
  registry_options.origin = options.origin;
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Registry> registry,
                        Registry::Open(store.get(), registry_options));

  pb::TransactionBody body;
  body.set_origin(options.origin);
  body.set_nonce("init");
  body.set_created_micros(NowMicros());
  auto* open = body.mutable_open_account();
  open->set_account_id(options.operator_id);
  open->set_role(pb::ROLE_OPERATOR);
  open->set_public_key(operator_key.public_key().raw());
  open->set_display_name(options.operator_name);
  CREG_ASSIGN_OR_RETURN(Verdict verdict,
                        registry->Submit(SignTransaction(body, options.operator_id, operator_key)));
  if (auto* rejection = std::get_if<Rejection>(&verdict)) {
    return InvalidArgumentError("cannot open the operator account: " + rejection->ToString());
  }

  CREG_ASSIGN_OR_RETURN(NoteSigner signer,
                        NoteSigner::Create(options.origin, std::move(checkpoint_key)));
  std::string verifier_key = signer.VerifierKey();
  Checkpointer checkpointer(registry->log(), std::move(signer), options.origin,
                            dir.checkpoint_path());
  CREG_RETURN_IF_ERROR(checkpointer.SignHead());
  CREG_RETURN_IF_ERROR(checkpointer.Save(true));
  CREG_RETURN_IF_ERROR(WriteFileAtomically(dir.verifier_key_path(), verifier_key + "\n"));

  out << "Created registry '" << options.origin << "' in " << options.data_dir << "\n"
      << "  operator account:  " << options.operator_id << "\n"
      << "  operator key:      " << dir.operator_key_path()
      << "  (keep it secret; move it off this machine)\n"
      << "  checkpoint key:    " << dir.checkpoint_key_path() << "\n"
      << "  verifier key:      " << verifier_key << "\n"
      << "                     (also in " << dir.verifier_key_path() << "; give it to auditors)\n"
      << "Start the node with: cregd run --data " << options.data_dir << "\n";
  return OkStatus();
}

Status BackupRegistry(const BackupOptions& options, std::ostream& out) {
  if (options.destination.empty()) return InvalidArgumentError("no backup destination given");
  DataDir dir(options.data_dir);
  if (!std::filesystem::exists(dir.db_path())) {
    return NotFoundError("no registry in " + options.data_dir);
  }
  std::error_code error;
  const std::string destination = std::filesystem::absolute(options.destination, error).string();
  StatusOr<std::string> answer = SendControlRequest(dir, "backup " + destination, options.timeout);
  BackupResult made;
  if (answer.ok()) {
    std::istringstream line(*answer);
    std::string word;
    line >> word;
    if (word != "ok") {
      return UnavailableError("the node serving " + options.data_dir +
                              " refused: " + answer->substr(std::min<size_t>(answer->size(), 6)));
    }
    line >> made.entries >> made.database_bytes;
    out << "Backed up the running node's registry.\n";
  } else if (answer.status().code() == StatusCode::kNotFound) {
    // No node serves the folder: open it here, which also keeps one from
    // starting until the copy is made.
    StatusOr<std::unique_ptr<Store>> store =
        Store::Open(dir.db_path(), NodeStoreOptions(false), Registry::ColumnNames());
    if (!store.ok()) {
      if (store.status().code() == StatusCode::kUnavailable) {
        return UnavailableError(
            "a node holds " + options.data_dir +
            " but does not answer on its control socket: " + answer.status().message());
      }
      return store.status();
    }
    CREG_ASSIGN_OR_RETURN(made, BackupDataDir(dir, **store, destination));
    out << "Backed up the registry (no node was serving it).\n";
  } else {
    return answer.status();
  }
  out << "  backup:    " << destination << "\n"
      << "  entries:   " << made.entries << "\n"
      << "  database:  " << made.database_bytes << " bytes\n"
      << "Serve it with: cregd run --data " << destination << "\n"
      << "Check it with: creg-audit verify-log --data " << destination << "\n";
  return OkStatus();
}

StatusOr<RegistryFolder> OpenRegistryFolder(const std::string& data_dir) {
  RegistryFolder folder(data_dir);
  const DataDir& dir = folder.dir;
  if (!std::filesystem::exists(dir.db_path())) {
    return NotFoundError("no registry in " + data_dir + "; create one with: cregd init --data " +
                         data_dir + " --origin NAME");
  }
  CREG_ASSIGN_OR_RETURN(PrivateKey checkpoint_key, PrivateKey::LoadFile(dir.checkpoint_key_path()));
  CREG_ASSIGN_OR_RETURN(
      folder.store, Store::Open(dir.db_path(), NodeStoreOptions(false), Registry::ColumnNames()));
  RegistryOptions registry_options;
  registry_options.registry_key = checkpoint_key.public_key();
  CREG_ASSIGN_OR_RETURN(folder.registry, Registry::Open(folder.store.get(), registry_options));
  const std::string& origin = folder.registry->origin();
  // A second copy of the key (keys are move-only): the signer owns one.
  CREG_ASSIGN_OR_RETURN(PrivateKey signing_key, PrivateKey::LoadFile(dir.checkpoint_key_path()));
  CREG_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::Create(origin, std::move(signing_key)));
  folder.checkpointer = std::make_unique<Checkpointer>(folder.registry->log(), std::move(signer),
                                                       origin, dir.checkpoint_path());
  CREG_ASSIGN_OR_RETURN(NoteVerifier verifier,
                        NoteVerifier::FromVerifierKey(folder.checkpointer->VerifierKey()));
  folder.verifier = std::move(verifier);
  folder.checkpoint_key = std::move(checkpoint_key);
  folder.saved = ReadSavedCheckpoint(dir.checkpoint_path(), folder.registry->log(),
                                     folder.checkpointer->VerifierKey());
  return folder;
}

StatusOr<std::unique_ptr<RegistryNode>> RegistryNode::Open(const NodeOptions& options,
                                                           NodeRole role) {
  CREG_RETURN_IF_ERROR(CheckRole(options, role));
  auto node = std::unique_ptr<RegistryNode>(new RegistryNode());
  node->options_ = options;
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return InvalidArgumentError("TLS needs both a certificate and its private key");
  }
  if (!options.tls_cert_file.empty()) {
    CREG_ASSIGN_OR_RETURN(node->tls_context_,
                          MakeServerTlsContext(options.tls_cert_file, options.tls_key_file));
  }
  RaiseFileLimit(options.max_connections + 256);
  CREG_ASSIGN_OR_RETURN(RegistryFolder folder, OpenRegistryFolder(options.data_dir));
  const DataDir dir = folder.dir;
  node->store_ = std::move(folder.store);
  node->registry_ = std::move(folder.registry);
  node->checkpointer_ = std::move(folder.checkpointer);
  const std::string& origin = node->registry_->origin();
  const bool mirror = role.kind == NodeRole::Kind::kMirror;
  CheckpointFence* fence = role.fence;
  if (mirror && !options.witnesses.empty()) {
    return InvalidArgumentError(
        "a mirror publishes the writer's checkpoints as they are; give --witness to the writer");
  }
  if (!mirror && node->registry_->log().size() == 0) {
    return FailedPreconditionError(options.data_dir +
                                   " is an empty member of a registry (cregd init --join); run it "
                                   "as a mirror with --follow HOST:PORT");
  }
  if (!options.witnesses.empty()) {
    CREG_ASSIGN_OR_RETURN(node->publisher_,
                          StartPublisher(options, node->registry_->log(), *node->checkpointer_,
                                         dir.checkpoint_path()));
  }
  // A mirror never signs: it publishes the writer's checkpoints once it has
  // checked them, starting with the last one it saved. A writer with
  // synchronous mirrors starts from its last one too: entries past it may
  // be on no mirror. So does one with a fence: entries past it were never
  // recorded, and the gate signs them only to have the fence record them.
  std::shared_ptr<SignedCheckpoint> saved;
  if (mirror || options.sync_mirrors > 0 || fence != nullptr) saved = std::move(folder.saved);
  if (saved || mirror || fence != nullptr) {
    if (saved) node->checkpointer_->Publish(std::move(saved));
  } else {
    CREG_RETURN_IF_ERROR(node->checkpointer_->SignHead());
    CREG_RETURN_IF_ERROR(node->checkpointer_->Save(true));
  }
  node->pipeline_ =
      std::make_unique<CommitPipeline>(*node->registry_, *node->checkpointer_, options.pipeline);
  // Only a writer waits for mirrors: a mirror run with --sync-mirrors (as
  // every member of a cluster is, for when it writes) signs nothing, so
  // no report of what it stored may make it sign.
  if (!mirror && (options.sync_mirrors > 0 || fence != nullptr)) {
    CommitPipeline* pipeline = node->pipeline_.get();
    SyncGateOptions gate{options.sync_mirrors, options.sync_timeout, fence,
                         [pipeline, owner = std::move(role.on_fence_lost)](const std::string& why) {
                           pipeline->Fence(why);
                           if (owner) owner(why);
                         }};
    node->sync_gate_ =
        std::make_unique<SyncGate>(*node->checkpointer_, node->registry_->log(), std::move(gate));
    node->pipeline_->SetSyncGate(node->sync_gate_.get());
  }
  node->handler_ = std::make_unique<RequestHandler>(*node->registry_, *node->checkpointer_);
  node->handler_->SetReadPolicy(options.read_policy);
  if (Publisher* publisher = node->publisher_.get()) {
    node->handler_->AddStatusFields(
        [publisher](pb::StatusResponse& status) { FillPublicationStatus(*publisher, status); });
  }
  CommitPipeline* pipeline = node->pipeline_.get();
  node->handler_->SetWriteState([pipeline, mirror] {
    // A mirror refuses writes with NOT_LEADER; its pipeline stays idle.
    if (mirror) return std::make_pair(false, std::string());
    return std::make_pair(pipeline->accepting_writes(), pipeline->fault());
  });
  node->context_ = std::unique_ptr<NodeContext>(new NodeContext{node->options_,
                                                                *node->handler_,
                                                                *node->pipeline_,
                                                                node->registry_->log(),
                                                                {},
                                                                {},
                                                                {},
                                                                {},
                                                                node->tls_context_.get(),
                                                                node->publisher_.get()});
  NodeContext* context = node->context_.get();
  context->sync_gate = node->sync_gate_.get();
  node->pipeline_->SetCommitListener([context](uint64_t) { context->head_watch.Notify(); });
  if (mirror) {
    CREG_ASSIGN_OR_RETURN(node->follower_,
                          MakeFollower(options, *node->registry_, *node->checkpointer_,
                                       [context](uint64_t) { context->head_watch.Notify(); }));
    context->follower = node->follower_.get();
  }
  const Follower* follower = node->follower_.get();
  const SyncGate* gate = node->sync_gate_.get();
  node->handler_->AddStatusFields([follower, gate](pb::StatusResponse& status) {
    FillReplicationStatus(follower, gate, status);
  });
  context->quarantined_entries = QuarantinedEntriesAtOpen(dir);
  node->handler_->AddStatusFields(
      [cluster = role.cluster, term = role.term,
       quarantined = context->quarantined_entries](pb::StatusResponse& status) {
        status.set_cluster(cluster);
        status.set_term(term);
        status.set_quarantined_entries(quarantined);
      });
  CREG_ASSIGN_OR_RETURN(node->server_, Server::Start(*node->context_));
  node->data_dir_ = std::make_unique<DataDir>(dir);
  StatusOr<std::unique_ptr<ControlSocket>> control =
      ControlSocket::Start(*node->data_dir_, *node->store_);
  if (control.ok()) {
    node->control_ = std::move(control).value();
  } else {
    // The registry serves without it; only online backups need it.
    LogWarning("no control socket, so no online backups: " + control.status().ToString());
  }
  LogInfo("registry '" + origin + "' with " + std::to_string(node->registry_->log().size()) +
          " entries, read policy " + std::string(ReadPolicyName(options.read_policy)) +
          (mirror ? (role.standby ? ", standing by to mirror " : ", a mirror of ") +
                        options.follow.front()
                  : std::string()));
  if (node->follower_ && !role.standby) node->follower_->Start();
  return node;
}

RegistryNode::~RegistryNode() {
  // The follower first (no more writes from the writer), the control
  // socket (finishes a backup in progress), the sync gate, the server
  // (drains sessions), then the pipeline, then the database.
  follower_.reset();
  control_.reset();
  // Answers waiting for mirrors go out now (UNAVAILABLE), so that the
  // sessions drain; the gate stays until the pipeline that uses it is gone.
  if (sync_gate_) sync_gate_->Stop();
  server_.reset();
  if (pipeline_) pipeline_->Stop();
  pipeline_.reset();
  sync_gate_.reset();
  publisher_.reset();
  context_.reset();
  handler_.reset();
  checkpointer_.reset();
  registry_.reset();
  store_.reset();
}

}  // namespace creg

#include "node/cluster_member.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>

#include "client/sign_in.h"
#include "ledger/log_entry.h"
#include "net/address.h"
#include "node/cluster_keys.h"
#include "node/etcd_client.h"
#include "node/etcd_fence.h"
#include "node/lease_keeper.h"
#include "node/log.h"
#include "node/mirror_check.h"
#include "node/reconcile.h"
#include "node/registry_node.h"

namespace creg {
namespace {

using std::chrono::milliseconds;

// How often a member looks at the leader key while it serves.
constexpr milliseconds kLeaderPoll{250};
// Between attempts that failed for want of etcd or of a peer.
constexpr milliseconds kRetry{500};
// A writer that cannot make its log the registry's history in this many
// TTLs resigns, so that another member may try.
constexpr int kPrepareTtls = 10;
// etcd calls on the way to a role.
constexpr milliseconds kEtcdCall{1000};
// Calls to another member on the way to a role.
constexpr milliseconds kMemberCall{2000};

uint64_t PublishedSize(const RegistryFolder& folder) {
  return folder.saved ? folder.saved->checkpoint.size : 0;
}

std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint) {
  const boost::asio::ip::address ip = endpoint.address();
  const std::string host = ip.is_v6() ? "[" + ip.to_string() + "]" : ip.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

class Member {
 public:
  Member(NodeOptions node, ClusterOptions cluster, ClusterKeys keys,
         std::unique_ptr<EtcdClient> etcd, std::optional<PrivateKey> follow_key, std::string origin)
      : node_(std::move(node)),
        cluster_(std::move(cluster)),
        keys_(std::move(keys)),
        etcd_(std::move(etcd)),
        follow_key_(std::move(follow_key)),
        origin_(std::move(origin)) {}

  Status Run(const sigset_t& signals) {
    std::thread waiter([this, signals] { WaitForSignal(signals); });
    Status status = RunLeases();
    Shutdown();  // ends the waiter if no signal came
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return status;
  }

 private:
  // --- process life ---

  void WaitForSignal(sigset_t signals) {
    int signal = 0;
    sigwait(&signals, &signal);
    if (!stopping()) LogInfo(std::string("stopping on ") + strsignal(signal));
    Shutdown();
  }

  void Shutdown() {
    std::lock_guard lock(mu_);
    shutdown_ = true;
    if (current_ != nullptr) current_->RequestStop();
    wake_.notify_all();
  }

  bool stopping() {
    std::lock_guard lock(mu_);
    return shutdown_;
  }

  // Waits `delay`, or less if woken (shutdown, a lost lease or fence);
  // false when shutting down.
  bool Pause(milliseconds delay) {
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, delay, [this] { return shutdown_ || woken_; });
    woken_ = false;
    return !shutdown_;
  }

  void Wake() {
    std::lock_guard lock(mu_);
    woken_ = true;
    if (current_ != nullptr) current_->RequestStop();
    wake_.notify_all();
  }

  // One lease after another until shutdown.
  Status RunLeases() {
    while (!stopping()) {
      auto lease = LeaseKeeper::Start(*etcd_, cluster_.lease, [this](const Status&) { Wake(); });
      if (!lease.ok()) {
        LogWarning("no etcd lease for cluster " + keys_.cluster + ": " + lease.status().message());
        Pause(kRetry);
        continue;
      }
      LogInfo("etcd lease " + std::to_string((*lease)->id()) + " granted for " +
              std::to_string((*lease)->ttl().count()) + " s");
      Status served = ServeLease(**lease);
      if ((*lease)->Valid()) {
        // A clean hand-over: the leader key and the member key go at once.
        Status revoked = (*lease)->Revoke(kEtcdCall);
        if (!revoked.ok()) LogWarning("revoking the etcd lease: " + revoked.message());
      }
      if (!served.ok()) return served;
    }
    return OkStatus();
  }

  // Campaigns and serves in the role won or lost, while the lease holds.
  // Errors end the process: only alarms and a broken data folder.
  Status ServeLease(LeaseKeeper& lease) {
    if (!Register(lease)) return OkStatus();
    while (lease.Valid() && !stopping()) {
      if (!MayLead()) {
        // An empty member of a new cluster mirrors whoever writes first.
        StatusOr<std::optional<etcd::KeyValue>> leader = etcd_->Get(keys_.leader, kEtcdCall);
        if (leader.ok() && leader->has_value()) {
          EtcdCampaign writer;
          writer.leader = (*leader)->value;
          writer.term_revision = (*leader)->create_revision;
          CREG_RETURN_IF_ERROR(Mirror(lease, writer));
        } else {
          Pause(kLeaderPoll);
        }
        continue;
      }
      StatusOr<EtcdCampaign> campaign =
          etcd_->Campaign(keys_.leader, cluster_.advertise, lease.id(), kEtcdCall);
      if (!campaign.ok()) {
        LogWarning("campaigning in cluster " + keys_.cluster + ": " + campaign.status().message());
        Pause(kRetry);
        continue;
      }
      Status served =
          campaign->won ? Lead(lease, campaign->term_revision) : Mirror(lease, *campaign);
      if (!served.ok()) return served;
      if (campaign->won) return OkStatus();  // a writer that stepped down takes a new lease
    }
    return OkStatus();
  }

  // Puts this member's key under `lease`, so that a writer preparing finds
  // it among the members to copy from; retried until it holds. A key of
  // the same address under an earlier lease (this member restarted after
  // a crash, or a revoke that failed) goes when that lease expires. False
  // if the lease went or the member stops first.
  bool Register(LeaseKeeper& lease) {
    bool told = false;
    while (lease.Valid() && !stopping()) {
      StatusOr<EtcdCampaign> member = etcd_->Campaign(keys_.Member(cluster_.advertise),
                                                      cluster_.advertise, lease.id(), kEtcdCall);
      if (member.ok() && member->won) return true;
      if (!told) {
        LogWarning("registering as a member of cluster " + keys_.cluster + ": " +
                   (member.ok() ? "the key is held by an earlier lease; waiting for it to expire"
                                : member.status().message()));
        told = true;
      }
      Pause(kRetry);
    }
    return false;
  }

  // Whether this member may campaign: its log holds entries, or etcd holds
  // a checkpoint whose entries it can fetch from the others. An empty
  // member of a new cluster may not: its empty log would become the
  // registry's.
  // The folder is read once, and again only after a mirror role (the one
  // way an empty member's log grows), not at every poll of the leader key.
  bool MayLead() {
    if (has_entries_) return true;
    if (!log_checked_) {
      StatusOr<RegistryFolder> folder = OpenRegistryFolder(node_.data_dir);
      log_checked_ = folder.ok();
      if (folder.ok() && folder->registry->log().size() > 0) return has_entries_ = true;
    }
    StatusOr<ClusterCheckpoint> stored = ReadClusterCheckpoint(*etcd_, keys_, kEtcdCall);
    return stored.ok() && !stored->note.empty();
  }

  // --- incarnations ---

  // Opens the node as `role` on this member's ports, runs it until
  // `keep_serving` turns false (polled), shutdown, or the node stops.
  Status Incarnate(const NodeOptions& options, NodeRole role, const std::string& as,
                   const std::function<bool()>& keep_serving) {
    CREG_ASSIGN_OR_RETURN(std::unique_ptr<RegistryNode> node, RegistryNode::Open(options, role));
    RememberPorts(*node);
    LogInfo("serving on " + node_.listen + " as " + as);
    if (node->metrics_endpoint()) LogInfo("metrics on http://" + node_.metrics_listen + "/metrics");
    if (node->http_endpoint()) LogInfo("tlog tiles on http://" + node_.http_listen + "/");
    {
      std::lock_guard lock(mu_);
      current_ = node.get();
      if (shutdown_) node->RequestStop();
    }
    std::atomic<bool> ran{false};
    std::thread server([&] {
      node->Run();
      ran = true;
      Wake();
    });
    while (!ran && keep_serving() && Pause(kLeaderPoll)) {
    }
    node->RequestStop();
    server.join();
    {
      std::lock_guard lock(mu_);
      current_ = nullptr;
    }
    node.reset();
    return OkStatus();
  }

  // Later incarnations bind the ports the first one got (port 0 resolved).
  void RememberPorts(const RegistryNode& node) {
    node_.listen = FormatEndpoint(node.endpoint());
    if (auto metrics = node.metrics_endpoint()) node_.metrics_listen = FormatEndpoint(*metrics);
    if (auto http = node.http_endpoint()) node_.http_listen = FormatEndpoint(*http);
  }

  // --- the writer ---

  Status Lead(LeaseKeeper& lease, int64_t term) {
    LogInfo("won the writer role of cluster " + keys_.cluster + " (term " + std::to_string(term) +
            "); preparing");
    StatusOr<ClusterCheckpoint> stored = ReadClusterCheckpoint(*etcd_, keys_, kEtcdCall);
    if (!stored.ok()) {
      LogWarning("reading the registry's checkpoint from etcd: " + stored.status().message());
      return OkStatus();  // resign: a new lease, a new campaign
    }
    Status prepared = PrepareToWrite(lease, term, *stored);
    if (prepared.code() == StatusCode::kDataLoss) return prepared;  // the alarm
    if (!prepared.ok()) {
      LogWarning("resigning the writer role of cluster " + keys_.cluster + ": " +
                 prepared.message());
      Pause(milliseconds(std::uniform_int_distribution<int>(0, 500)(rng_)));
      return OkStatus();
    }
    TermSwaps swaps(*etcd_, keys_, term, stored->mod_revision);
    EtcdFence fence(swaps, lease, keys_.cluster);
    NodeOptions options = node_;
    options.follow.clear();
    std::atomic<bool> fenced{false};
    NodeRole role = NodeRole::Writer(&fence, [this, &fenced](const std::string& why) {
      LogError(why);
      fenced = true;
      Wake();
    });
    // The node's gate signs the leader-term entry at once and has the
    // fence record it; writes are acknowledged from then on.
    return Incarnate(
        options, std::move(role).InCluster(keys_.cluster, term),
        "the writer of cluster " + keys_.cluster + " (term " + std::to_string(term) + ")",
        [&] { return !fenced && lease.Valid(); });
  }

  // Makes the log the registry's history up to etcd's checkpoint and
  // appends this term's leader-term entry, with nothing serving.
  Status PrepareToWrite(LeaseKeeper& lease, int64_t term, const ClusterCheckpoint& stored) {
    CREG_ASSIGN_OR_RETURN(RegistryFolder folder, OpenRegistryFolder(node_.data_dir));
    uint64_t quarantined = 0;
    if (!stored.note.empty()) {
      StatusOr<Checkpoint> checkpoint =
          VerifyCheckpoint(stored.note, *folder.verifier, folder.registry->origin());
      if (!checkpoint.ok()) {
        return DataLossError(
            "etcd holds a checkpoint of cluster " + keys_.cluster +
            " that does not verify with the registry's key: " + checkpoint.status().message());
      }
      MirrorCheck check(*folder.registry, *folder.checkpointer, *folder.verifier);
      ReconcileScope scope{&folder.dir, PublishedSize(folder), term};
      const auto give_up = BootClock::now() + lease.ttl() * kPrepareTtls;
      while (true) {
        std::vector<std::unique_ptr<ClientPeerLog>> peers = ConnectPeers();
        std::vector<PeerLog*> peer_logs;
        for (auto& p : peers) peer_logs.push_back(p.get());
        StatusOr<Reconciled> done = ReconcileToCheckpoint(
            *folder.registry, check, scope, SignedCheckpoint{*checkpoint, stored.note}, peer_logs);
        if (done.ok()) {
          quarantined = done->quarantined.entries;
          // The writer starts from the checkpoint it took over.
          CREG_RETURN_IF_ERROR(folder.checkpointer->Save(true));
          break;
        }
        if (done.status().code() != StatusCode::kUnavailable) return done.status();
        if (!lease.Valid() || BootClock::now() > give_up) return done.status();
        if (!Pause(kRetry)) return UnavailableError("shutting down");
      }
    }
    pb::LeaderTerm leader_term;
    leader_term.set_leader(cluster_.advertise);
    leader_term.set_etcd_revision(term);
    leader_term.set_cluster(keys_.cluster);
    leader_term.set_previous_size(folder.registry->log().size());
    CREG_ASSIGN_OR_RETURN(Hash root, folder.registry->log().RootAt(folder.registry->log().size()));
    leader_term.set_previous_root(root.str());
    leader_term.set_quarantined(quarantined);
    CREG_ASSIGN_OR_RETURN(Verdict verdict, folder.registry->AppendLeaderTerm(
                                               leader_term, *folder.checkpoint_key, NowMicros()));
    if (const Rejection* refused = std::get_if<Rejection>(&verdict)) {
      return FailedPreconditionError("the leader-term entry was refused: " + refused->ToString());
    }
    return OkStatus();
  }

  // The other members, connected (and signed in) as far as they answer.
  std::vector<std::unique_ptr<ClientPeerLog>> ConnectPeers() {
    std::vector<std::unique_ptr<ClientPeerLog>> peers;
    StatusOr<std::vector<etcd::KeyValue>> members = etcd_->List(keys_.members, true, kEtcdCall);
    if (!members.ok()) {
      LogWarning("listing the members of cluster " + keys_.cluster + ": " +
                 members.status().message());
      return peers;
    }
    for (const etcd::KeyValue& kv : *members) {
      const std::string address = kv.key.substr(keys_.members.size());
      if (address == cluster_.advertise) continue;
      StatusOr<std::unique_ptr<Client>> client = ConnectToMember(address);
      if (!client.ok()) {
        LogWarning("member " + address + ": " + client.status().message());
        continue;
      }
      peers.push_back(std::make_unique<ClientPeerLog>(std::move(client).value()));
    }
    return peers;
  }

  // A connection to another member, signed in as --follow-account if
  // given (a member whose read policy keeps the log from the public).
  StatusOr<std::unique_ptr<Client>> ConnectToMember(const std::string& address) {
    CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Dial(address));
    CREG_RETURN_IF_ERROR(SignInAsFollower(*client));
    return client;
  }

  // A connection to another member, not signed in.
  StatusOr<std::unique_ptr<Client>> Dial(const std::string& address) {
    ClientOptions options;
    options.timeout = kMemberCall;
    options.tls_ca_file = node_.follow_tls_ca_file;
    return Client::Connect(address, options);
  }

  // Signs `client` in as --follow-account; nothing without one.
  Status SignInAsFollower(Client& client) {
    if (!follow_key_) return OkStatus();
    return SignIn(client, node_.follow_account, *follow_key_, origin_);
  }

  // --- a mirror ---

  Status Mirror(LeaseKeeper& lease, const EtcdCampaign& campaign) {
    const std::string writer = campaign.leader;
    const int64_t term = campaign.term_revision;
    LogInfo("a mirror of " + writer + ", the writer of cluster " + keys_.cluster + " (term " +
            std::to_string(term) + ")");
    auto same_writer = [&] {
      StatusOr<std::optional<etcd::KeyValue>> leader = etcd_->Get(keys_.leader, kEtcdCall);
      // An etcd that does not answer changes nothing: the lease says when to stop.
      return !leader.ok() || (leader->has_value() && (*leader)->create_revision == term);
    };
    NodeOptions options = node_;
    options.follow = {writer};
    // A connection to the writer once it serves, from the last look.
    std::unique_ptr<Client> serving;
    auto writer_serves = [&] {
      StatusOr<std::unique_ptr<Client>> client = ConnectToWriter(writer, term);
      if (client.ok()) serving = std::move(client).value();
      return client.status();
    };
    while (true) {
      if (!lease.Valid() || !same_writer()) return OkStatus();
      if (serving == nullptr) {
        if (Status silent = writer_serves(); !silent.ok()) {
          // The writer may be preparing, and need entries that only this
          // member holds: the log is served as it is until the writer serves.
          LogInfo("waiting for the writer " + writer + ": " + silent.message());
          CREG_RETURN_IF_ERROR(
              Incarnate(options, NodeRole::Standby().InCluster(keys_.cluster, term),
                        "a mirror standing by until " + writer + " writes",
                        [&] { return lease.Valid() && same_writer() && !writer_serves().ok(); }));
          if (stopping()) return OkStatus();
          continue;
        }
      }
      Status reconciled = ReconcileWith(std::move(serving), term);
      if (reconciled.ok()) break;
      if (reconciled.code() == StatusCode::kDataLoss) return reconciled;  // the alarm
      LogInfo("reconciling with the writer " + writer + ": " + reconciled.message());
      if (!Pause(kRetry)) return OkStatus();
    }
    log_checked_ = false;  // the log grows while it mirrors
    return Incarnate(options, NodeRole::Mirror().InCluster(keys_.cluster, term),
                     "a mirror of " + writer, [&] { return lease.Valid() && same_writer(); });
  }

  // A connection to `writer`, once it serves as the writer of `term`:
  // FailedPrecondition while it does not (preparing, or still another
  // role, such as this member's own standby left by an earlier lease).
  // Its status is read before signing in where the read policy allows, so
  // that polling a member that is not yet the writer signs in to nothing.
  StatusOr<std::unique_ptr<Client>> ConnectToWriter(const std::string& writer, int64_t term) {
    CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Dial(writer));
    bool signed_in = false;
    StatusOr<pb::StatusResponse> status = client->GetStatus();
    if (!status.ok() && status.status().code() == StatusCode::kNotAuthorized && follow_key_) {
      CREG_RETURN_IF_ERROR(SignInAsFollower(*client));
      signed_in = true;
      status = client->GetStatus();
    }
    CREG_RETURN_IF_ERROR(status.status());
    if (status->role() != "writer" || status->term() != term) {
      return FailedPreconditionError(writer + " is not yet the writer of term " +
                                     std::to_string(term));
    }
    if (!signed_in) CREG_RETURN_IF_ERROR(SignInAsFollower(*client));
    return client;
  }

  Status ReconcileWith(std::unique_ptr<Client> writer, int64_t term) {
    ClientPeerLog peer(std::move(writer));
    CREG_ASSIGN_OR_RETURN(RegistryFolder folder, OpenRegistryFolder(node_.data_dir));
    ReconcileScope scope{&folder.dir, PublishedSize(folder), term};
    return ReconcileWithWriter(*folder.registry, scope, peer).status();
  }

  NodeOptions node_;
  const ClusterOptions cluster_;
  const ClusterKeys keys_;
  std::unique_ptr<EtcdClient> etcd_;
  const std::optional<PrivateKey> follow_key_;
  const std::string origin_;
  bool has_entries_ = false;  // once true, stays so
  bool log_checked_ = false;  // MayLead read the folder since the last mirror role
  std::mt19937 rng_{std::random_device{}()};
  std::mutex mu_;
  std::condition_variable wake_;
  bool shutdown_ = false;            // guarded by mu_
  bool woken_ = false;               // guarded by mu_
  RegistryNode* current_ = nullptr;  // guarded by mu_
};

// `listen` with its port resolved: a port of 0 is replaced by one free
// now, so that it can be advertised before the node first binds it.
StatusOr<std::string> ResolveListen(const std::string& listen) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(listen));
  if (host_port.second != 0) return listen;
  boost::system::error_code error;
  const boost::asio::ip::address ip = boost::asio::ip::make_address(host_port.first, error);
  if (error) {
    return InvalidArgumentError("--listen " + listen +
                                ": a member of a cluster needs an IP address or a port");
  }
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, boost::asio::ip::tcp::endpoint(ip, 0));
  return FormatEndpoint(probe.local_endpoint());
}

}  // namespace

Status RunClusterMember(const NodeOptions& node_options, const ClusterOptions& cluster) {
  // First, before any thread exists (RocksDB starts its own at the first
  // open): every thread inherits the mask, and the member's own waits.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  CREG_ASSIGN_OR_RETURN(ClusterKeys keys, ClusterKeys::For(cluster.cluster));
  if (!node_options.follow.empty()) {
    return InvalidArgumentError(
        "a member of a cluster (--etcd) follows whichever member writes; --follow is not for it");
  }
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<EtcdClient> etcd, EtcdClient::Create(cluster.etcd));
  NodeOptions node = node_options;
  CREG_ASSIGN_OR_RETURN(node.listen, ResolveListen(node.listen));
  ClusterOptions resolved = cluster;
  if (resolved.advertise.empty()) {
    CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(node.listen));
    boost::system::error_code error;
    const auto ip = boost::asio::ip::make_address(host_port.first, error);
    if (!error && ip.is_unspecified()) {
      return InvalidArgumentError("--listen " + node.listen +
                                  " is every address of the machine; give the one the other "
                                  "members reach this one at with --advertise HOST:PORT");
    }
    resolved.advertise = node.listen;
  } else {
    CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(resolved.advertise));
    if (host_port.second == 0) {
      return InvalidArgumentError("--advertise " + resolved.advertise + " needs a port");
    }
  }
  std::optional<PrivateKey> follow_key;
  if (!node.follow_account.empty()) {
    CREG_ASSIGN_OR_RETURN(follow_key, PrivateKey::LoadFile(node.follow_key_file));
  }
  std::string origin;
  {
    CREG_ASSIGN_OR_RETURN(RegistryFolder folder, OpenRegistryFolder(node.data_dir));
    origin = folder.registry->origin();
  }
  LogInfo("a member of cluster " + keys.cluster + " at " + resolved.advertise + ", etcd " +
          etcd->urls().front() + (etcd->urls().size() > 1 ? " and others" : ""));
  Member member(std::move(node), std::move(resolved), std::move(keys), std::move(etcd),
                std::move(follow_key), std::move(origin));
  return member.Run(signals);
}

}  // namespace creg

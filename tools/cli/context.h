// The state one creg command runs with: its parsed flags, the connection to
// the node (made on first use), the signer, and how failures are reported.
//
// Failures are printed once, where they happen: a person reads the message
// and what to do next on stderr; with --json a machine also gets
//   {"error": {"code": "...", "code_number": N, "message": "...",
//              "hint": "...", "exit_code": E}}
// on stdout. The functions that can fail return an empty optional (or false)
// after printing, and the command returns exit_code().
//
// Not thread-safe; one per command run.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/members.h"
#include "creg/transaction.pb.h"
#include "creg/wire.pb.h"
#include "ledger/keys.h"
#include "tools/cli/command_line.h"

namespace creg::cli {

// Documented in docs/cli.md; scripts switch on them.
enum ExitCode : int {
  kExitOk = 0,
  kExitRefused = 1,      // the registry refused, or answered with an error
  kExitUsage = 2,        // the command line (or a file it names) is wrong
  kExitUnreachable = 3,  // cannot reach the node, or the connection failed
  kExitLocal = 4,        // a local failure, e.g. a file could not be written
  kExitProtocol = 5,     // the node's answer broke the protocol (e.g. a frame over the limit)
};

inline constexpr char kDefaultDataDir[] = "./creg-data";
inline constexpr char kOperatorAccount[] = "operator";

// Who signs a transaction.
struct Signer {
  std::string account;
  PrivateKey key;
};

class Context {
 public:
  // `flags`: what the command line gave the command (command_line.h).
  Context(std::string command, Flags flags, ClientOptions client_options);

  const Flags& flags() const { return flags_; }
  const std::string& command() const { return command_; }
  bool json() const { return json_; }
  // The member answering (after the first request), else --node as given.
  const std::string& node() const { return client_ && members_ ? members_->connected() : node_; }
  // How to connect (--tls-ca, CREG_TLS_CA; client/client_flags.h).
  const ClientOptions& client_options() const { return client_options_; }
  const std::vector<std::string>& positional() const { return positional_; }

  // Reads --account/--key (or CREG_ACCOUNT/CREG_KEY).
  // `operator_command`: default to the operator account and, when it exists,
  // the operator key of the local data folder (--data).
  void ReadSignerFlags(bool operator_command);
  // For commands about one account's transaction (creg submit): signs in
  // as `account` with --key (CREG_KEY) when no --account is given.
  void DefaultSignInAccount(const std::string& account);
  // The account from --account or CREG_ACCOUNT ("" if neither), for commands
  // that default to the caller's own account.
  std::string ReadAccountFlag() const;

  // Refuses a wrong number of positional arguments (the parser has refused
  // bad flags). Prints a usage error and returns false.
  bool Finish(size_t min_positional, size_t max_positional);

  // Loads the signer named by ReadSignerFlags. Prints and returns nullptr.
  const Signer* signer();
  // The signing account named by ReadSignerFlags, without loading its key
  // (a proposal is written unsigned); nullopt after printing.
  std::optional<std::string> SignerAccount();
  // Whether the command writes a proposal instead of submitting
  // (--propose; docs/cli.md, "Multi-signature accounts").
  bool proposing() const;

  // The connection, made on first use; nullptr after printing. When a key is
  // given (--key or CREG_KEY, or the operator key ReadSignerFlags found) the
  // connection is signed in as the account first (--account, CREG_ACCOUNT),
  // so that the node's read policy lets it read what that account may.
  Client* client();
  // One request; the answer, which is never an Error (those are printed).
  std::optional<pb::Response> Ask(pb::Request request);
  // The registry's origin (asked once).
  std::optional<std::string> Origin();

  // Fills origin, a random nonce and created_micros, signs as signer() and
  // submits. The Committed outcome, or nullopt after printing a refusal.
  // With --propose it signs and submits nothing: it writes the proposal
  // file named by -o (tools/cli/proposal.h), prints what to do next, and
  // returns nullopt with exit_code() still kExitOk.
  std::optional<pb::Committed> Submit(pb::TransactionBody body);
  // Submits signed transaction bytes of `account`; as Submit.
  std::optional<pb::Committed> SubmitSigned(std::string signed_transaction,
                                            const std::string& account);

  // Reporting. Each prints (see the file comment), remembers and returns
  // the exit code.
  int Fail(int exit_code, const std::string& code, const std::string& message,
           const std::string& hint, uint32_t code_number = 0);
  int UsageError(const std::string& message);
  // A Status from the client library or a local operation: Unavailable is
  // kExitUnreachable, NotFound/InvalidArgument/AlreadyExists are usage errors
  // about files the user named, anything else kExitLocal.
  int FailLocal(const Status& status, const std::string& hint);
  // A Status from the connection: Unavailable is "cannot reach the node"
  // (kExitUnreachable), DataLoss a protocol error (FailProtocol).
  int FailConnection(const Status& status);
  // The node answered something that breaks the protocol: kExitProtocol,
  // code PROTOCOL_ERROR.
  int FailProtocol(const std::string& message);
  int FailRefused(const pb::Refused& refused);
  int exit_code() const { return exit_code_; }

 private:
  // Signs client_ in when a key is given; false after printing.
  bool SignInIfGiven();
  // Drops the connection; with `skip_member` the next one starts at the
  // member after the current one (Members::SkipConnected).
  void Disconnect(bool skip_member);
  // Submit's --propose: writes the proposal file and reports it.
  void Propose(pb::TransactionBody body);

  std::string command_;
  Flags flags_;
  std::vector<std::string> positional_;
  bool json_ = false;
  std::string node_;
  ClientOptions client_options_;
  std::optional<std::string> signer_account_;
  std::optional<std::string> signer_key_path_;
  std::optional<Signer> signer_;
  std::optional<Members> members_;  // --node, parsed on first use
  std::unique_ptr<Client> client_;
  std::optional<std::string> origin_;
  int exit_code_ = kExitOk;
};

// What to do next after a refusal with this rule code ("" if nothing useful).
std::string HintForRule(const std::string& code);
// What to do next after the node answered a query with this error code.
std::string HintForNodeError(const std::string& code);
// A fresh random nonce: 32 lower-case hex digits from the OS CSPRNG.
std::string RandomNonce();

}  // namespace creg::cli

// What the creg-audit subcommands share: exit codes, reading inputs and
// the verifier key (commands.h has their command lines).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "client/members.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/data_dir.h"
#include "ledger/status.h"
#include "ledger/store.h"
#include "tools/audit/account.h"

namespace creg::audit {

// Exit codes, documented in docs/audit.md and in --help.
inline constexpr int kExitVerified = 0;
inline constexpr int kExitFailed = 1;  // a check failed: the input is not what it claims
inline constexpr int kExitUsage = 2;   // bad command line
inline constexpr int kExitCannotRead =
    3;  // an input could not be read (or the check could not run)

// A failure with the exit code it leads to.
struct Outcome {
  int code = kExitVerified;
  std::string message;
};

// Reads a whole file, or standard input for "-". NotFound / Unavailable
// naming the path.
StatusOr<std::string> ReadInput(const std::string& path);

// VERIFIER_KEY: a verifier key string ("<name>+<id>+<key>") or the path of a
// file holding one (surrounding whitespace ignored). InvalidArgument for a
// malformed key or a file holding none; the errors of ReadFile for a path
// (a word without '+') that cannot be read.
StatusOr<NoteVerifier> LoadVerifier(const std::string& key_or_path);
// The same for a witness's cosignature verifier key (type 0x04).
StatusOr<CosignatureVerifier> LoadWitnessVerifier(const std::string& key_or_path);

// kExitCannotRead for NotFound and Unavailable, else kExitUsage: how a
// failure to load an input given on the command line ends the program.
int LoadFailureCode(const Status& status);

// True when a node did not serve a request at all: Unavailable,
// ResourceExhausted (busy), or NotAuthorized (its read policy keeps it from
// this caller). Says nothing about its log, unlike a refusal of the
// request itself.
bool NodeDidNotServe(const Status& status);

// Opens the registry database of a data folder read-only (safe while the
// node runs). On failure, reports "cannot open ..." for `command` and sets
// `exit_code`.
std::unique_ptr<Store> OpenDataReadOnly(const DataDir& dir, std::string_view command,
                                        int* exit_code);

// "1 entry", "2 entries": `n` and the word for that many.
std::string Count(uint64_t n, std::string_view one, std::string_view many);

// Prints "creg-audit <command>: <message>" to stderr and returns `code`.
int Report(std::string_view command, int code, std::string_view message);

// verify-log --jobs: threads that check signatures ahead of the replay.
inline constexpr uint64_t kMaxJobs = 256;
// One per core (std::thread::hardware_concurrency), at least one.
size_t DefaultJobs();

// --node's members (client/members.h); nullopt after printing the usage
// error of `command` that names what is wrong (exit kExitUsage).
std::optional<Members> NodeMembers(std::string_view command, const std::string& node);
// Prints "creg-audit <command>: skipping member A: <why>" on stderr, one
// line per member passed over.
Members::SkipNote NoteSkippedMembers(std::string_view command);

// verify-log --node: the log served by the first of `members` that answers,
// with signatures checked on `jobs` threads, signed in as `account` if
// given.
int VerifyRemoteLog(Members members, const std::string& key, bool keep_going, size_t jobs,
                    const ClientOptions& client = {}, const AccountFlags& account = {});

}  // namespace creg::audit

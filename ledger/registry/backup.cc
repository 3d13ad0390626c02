#include "ledger/registry/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "ledger/registry/registry.h"

namespace creg {
namespace {

namespace fs = std::filesystem;

Status MakeFolder(const std::string& path) {
  std::error_code error;
  if (!fs::create_directory(path, error) || error) {
    return UnavailableError("cannot create " + path + ": " +
                            (error ? error.message() : std::string("it exists")));
  }
  fs::permissions(path, fs::perms::owner_all, error);
  return OkStatus();
}

// Copies one file of the data folder, if it exists and `optional`.
Status CopyFile(const std::string& from, const std::string& to, int mode, bool optional) {
  StatusOr<std::string> contents = ReadFile(from);
  if (!contents.ok()) {
    if (optional && contents.status().code() == StatusCode::kNotFound) return OkStatus();
    return contents.status();
  }
  return WriteFileAtomically(to, *contents, mode);
}

void SyncFolder(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

uint64_t FolderBytes(const std::string& path) {
  uint64_t bytes = 0;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(path, error)) {
    if (entry.is_regular_file(error)) bytes += entry.file_size(error);
  }
  return bytes;
}

// Everything but the rename; `partial` is the folder being filled.
StatusOr<BackupResult> FillBackup(const DataDir& source, const Store& store,
                                  const std::string& partial) {
  CREG_RETURN_IF_ERROR(MakeFolder(partial));
  DataDir copy(partial);
  CREG_RETURN_IF_ERROR(MakeFolder(copy.keys_dir()));
  CREG_RETURN_IF_ERROR(
      CopyFile(source.checkpoint_key_path(), copy.checkpoint_key_path(), 0600, false));
  CREG_RETURN_IF_ERROR(CopyFile(source.operator_key_path(), copy.operator_key_path(), 0600, true));
  CREG_RETURN_IF_ERROR(CopyFile(source.verifier_key_path(), copy.verifier_key_path(), 0644, false));
  // Before the database: the note then covers no entry the copy lacks.
  CREG_RETURN_IF_ERROR(CopyFile(source.checkpoint_path(), copy.checkpoint_path(), 0644, true));
  CREG_RETURN_IF_ERROR(store.CopyTo(copy.db_path()));
  SyncFolder(copy.keys_dir());
  SyncFolder(partial);

  BackupResult result;
  {
    StoreOptions options;
    options.read_only = true;
    StatusOr<std::unique_ptr<Store>> reopened =
        Store::Open(copy.db_path(), options, Registry::ColumnNames());
    if (!reopened.ok()) {
      return DataLossError("the backup's database does not open: " + reopened.status().ToString());
    }
    StatusOr<std::unique_ptr<Registry>> registry = Registry::Open(reopened->get(), {});
    if (!registry.ok()) {
      return DataLossError("the backup does not open as a registry: " +
                           registry.status().ToString());
    }
    result.entries = (*registry)->log().size();
  }
  result.database_bytes = FolderBytes(copy.db_path());
  return result;
}

}  // namespace

StatusOr<BackupResult> BackupDataDir(const DataDir& source, const Store& store,
                                     const std::string& destination) {
  const std::string partial = destination + ".partial";
  std::error_code error;
  for (const std::string& path : {destination, partial}) {
    if (fs::exists(path, error)) {
      return AlreadyExistsError("cannot back up to " + path + ": it exists");
    }
  }
  fs::path parent = fs::absolute(destination, error).parent_path();
  if (!fs::is_directory(parent, error)) {
    return NotFoundError("cannot back up to " + destination + ": no folder " + parent.string());
  }
  StatusOr<BackupResult> result = FillBackup(source, store, partial);
  if (result.ok() && ::rename(partial.c_str(), destination.c_str()) != 0) {
    result = UnavailableError("cannot rename " + partial + " to " + destination);
  }
  if (!result.ok()) {
    fs::remove_all(partial, error);
    return result.status();
  }
  SyncFolder(parent.string());
  return result;
}

}  // namespace creg

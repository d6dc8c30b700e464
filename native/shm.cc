#include "shm.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spindle {

namespace {

// Blocks to unlink at exit, with the identity (device, inode) each had when this process created it: a block
// that someone else unlinked and created again under the same name is theirs, and is left alone.
using Identity = std::pair<dev_t, ino_t>;

// Process-wide, not per thread or per V8 isolate: a block a worker thread created belongs to the process,
// and goes when the process goes. Allocated once and never freed, so no static destructor can run before
// the exit handler that reads it.
std::mutex* exit_mutex = new std::mutex();
std::map<std::string, Identity>* exit_blocks = new std::map<std::string, Identity>();
std::once_flag exit_handler_once;

void UnlinkAtExit() {
  std::lock_guard<std::mutex> lock(*exit_mutex);
  for (const auto& [name, identity] : *exit_blocks) {
    int fd = shm_open(name.c_str(), O_RDONLY, 0);
    if (fd < 0) continue;  // already unlinked: nothing to do
    struct stat st {};
    bool same = fstat(fd, &st) == 0 && st.st_dev == identity.first && st.st_ino == identity.second;
    close(fd);
    // A failure here (someone else unlinked it just now) leaves nothing to clean up.
    if (same) shm_unlink(name.c_str());
  }
  exit_blocks->clear();
}

void RegisterForExit(const std::string& name, const struct stat& st) {
  std::call_once(exit_handler_once, [] {
    // atexit runs on every normal exit of the process: the end of the event loop, process.exit() and an
    // uncaught exception alike (Node leaves through exit(3)), from whichever thread. A kill by signal skips
    // it, as it skips everything. (From a shared library, atexit also runs at dlclose: binding.gyp links the
    // addon NODELETE so that never happens when a worker thread that loaded it stops.)
    atexit(UnlinkAtExit);
  });
  std::lock_guard<std::mutex> lock(*exit_mutex);
  (*exit_blocks)[name] = Identity(st.st_dev, st.st_ino);
}

void ForgetForExit(const std::string& name) {
  std::lock_guard<std::mutex> lock(*exit_mutex);
  exit_blocks->erase(name);
}

bool Fail(SysError* error, const char* syscall) {
  error->errnum = errno;
  error->syscall = syscall;
  return false;
}

// Maps `size` bytes of `fd` and closes it: the mapping keeps the block alive, the descriptor is not needed.
bool MapAndClose(int fd, size_t size, Mapping* out, SysError* error) {
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int mmap_errno = errno;
  close(fd);  // cannot fail in a way that matters for a shm descriptor we are done with
  if (data == MAP_FAILED) {
    errno = mmap_errno;
    return Fail(error, "mmap");
  }
  out->data = data;
  out->size = size;
  return true;
}

}  // namespace

bool CreateBlock(const std::string& name, size_t size, bool unlink_at_exit, Mapping* out, SysError* error) {
  if (size == 0 || static_cast<unsigned long long>(size) > static_cast<unsigned long long>(INT64_MAX)) {
    errno = EINVAL;
    return Fail(error, "ftruncate");
  }
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Fail(error, "shm_open");
  struct stat st {};
  const char* failed = nullptr;
  if (ftruncate(fd, static_cast<off_t>(size)) != 0)
    failed = "ftruncate";
  else if (fstat(fd, &st) != 0)
    failed = "fstat";
  if (failed != nullptr) {
    int saved = errno;
    close(fd);
    shm_unlink(name.c_str());  // our own fresh block: leave nothing half-made behind
    errno = saved;
    return Fail(error, failed);
  }
  if (!MapAndClose(fd, size, out, error)) {
    shm_unlink(name.c_str());  // error already holds the mmap failure
    return false;
  }
  if (unlink_at_exit) RegisterForExit(name, st);
  return true;
}

bool AttachBlock(const std::string& name, Mapping* out, SysError* error) {
  int fd = shm_open(name.c_str(), O_RDWR, 0);
  if (fd < 0) return Fail(error, "shm_open");
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return Fail(error, "fstat");
  }
  if (st.st_size <= 0) {
    // Empty: its creator has not sized it yet (or it is not one of ours). There is nothing to map.
    close(fd);
    errno = EINVAL;
    return Fail(error, "mmap");
  }
  return MapAndClose(fd, static_cast<size_t>(st.st_size), out, error);
}

bool CreateAnonymousBlock(size_t size, int* fd, Mapping* out, SysError* error) {
  if (size == 0 || static_cast<unsigned long long>(size) > static_cast<unsigned long long>(INT64_MAX)) {
    errno = EINVAL;
    return Fail(error, "ftruncate");
  }
  int block = memfd_create("spindle", MFD_CLOEXEC);
  if (block < 0) return Fail(error, "memfd_create");
  void* data = MAP_FAILED;
  const char* failed = nullptr;
  if (ftruncate(block, static_cast<off_t>(size)) != 0)
    failed = "ftruncate";
  else if ((data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, block, 0)) == MAP_FAILED)
    failed = "mmap";
  if (failed != nullptr) {
    int saved = errno;
    close(block);
    errno = saved;
    return Fail(error, failed);
  }
  out->data = data;
  out->size = size;
  *fd = block;
  return true;
}

bool AttachDescriptor(int fd, Mapping* out, SysError* error) {
  struct stat st {};
  const char* failed = nullptr;
  if (fstat(fd, &st) != 0) {
    failed = "fstat";
  } else if (st.st_size <= 0) {
    errno = EINVAL;
    failed = "mmap";
  }
  if (failed != nullptr) {
    int saved = errno;
    close(fd);  // closed whatever happens, so the caller never closes a number someone else reused
    errno = saved;
    return Fail(error, failed);
  }
  return MapAndClose(fd, static_cast<size_t>(st.st_size), out, error);
}

bool CloseDescriptor(int fd, SysError* error) {
  // Not retried on EINTR: on Linux the descriptor is released even then, and a retry could close a reused one.
  if (close(fd) != 0 && errno != EINTR) return Fail(error, "close");
  return true;
}

bool UnlinkBlock(const std::string& name, SysError* error) {
  ForgetForExit(name);
  if (shm_unlink(name.c_str()) != 0) return Fail(error, "shm_unlink");
  return true;
}

void UnmapBlock(void* data, size_t size) {
  // munmap fails only for a range that is not a mapping of ours, which would be a bug here, and this runs
  // from a garbage collector's deleter where there is no one to report it to.
  munmap(data, size);
}

}  // namespace spindle

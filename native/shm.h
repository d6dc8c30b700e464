// POSIX shared memory blocks: create or attach by name, map, unlink, and unlink at exit what this process
// created.
#ifndef SPINDLE_NATIVE_SHM_H_
#define SPINDLE_NATIVE_SHM_H_

#include <cstddef>
#include <string>

namespace spindle {

struct Mapping {
  void* data = nullptr;
  size_t size = 0;
};

// What failed, for an ErrnoException: the errno and the system call that set it.
struct SysError {
  int errnum = 0;
  const char* syscall = nullptr;
};

// Creates the block `name` (a POSIX name with its leading '/'), exclusively, sized `size` bytes and mapped
// read-write. If `unlink_at_exit`, the process unlinks it when it exits normally (see RegisterForExit).
// Nothing is left behind on failure: a block created here and then not mappable is unlinked again.
bool CreateBlock(const std::string& name, size_t size, bool unlink_at_exit, Mapping* out, SysError* error);

// Maps the existing block `name` read-write, at its current size.
bool AttachBlock(const std::string& name, Mapping* out, SysError* error);

// shm_unlink, and forgets the name from the exit list.
bool UnlinkBlock(const std::string& name, SysError* error);

// Creates an anonymous block (memfd) of `size` bytes, mapped read-write, and leaves its descriptor open in
// *fd (close-on-exec) for the caller to hand to a child process: no name, so nothing can be left behind.
bool CreateAnonymousBlock(size_t size, int* fd, Mapping* out, SysError* error);

// Maps the block behind descriptor `fd` (one a parent passed down) read-write, at its size. Closes `fd`,
// whether or not it succeeds.
bool AttachDescriptor(int fd, Mapping* out, SysError* error);

// Closes a descriptor CreateAnonymousBlock returned, once the child it was for has its own copy.
bool CloseDescriptor(int fd, SysError* error);

// Releases a mapping made by CreateBlock, AttachBlock, CreateAnonymousBlock or AttachDescriptor.
void UnmapBlock(void* data, size_t size);

}  // namespace spindle

#endif  // SPINDLE_NATIVE_SHM_H_

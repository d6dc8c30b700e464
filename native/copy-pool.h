// Memory for copies of large byte arrays handed to worker threads: page-aligned blocks kept for reuse after
// the ArrayBuffer over them is collected, so a steady stream of copies writes into memory whose pages are
// already mapped instead of faulting fresh ones in (~3 µs a page here: more than the copy itself).
#ifndef SPINDLE_NATIVE_COPY_POOL_H_
#define SPINDLE_NATIVE_COPY_POOL_H_

#include <cstddef>
#include <cstdint>

namespace spindle {

// A block of at least `length` bytes, or nullptr if the system has no memory. *capacity is its real size,
// to hand back to ReleaseBlock. Thread-safe.
void* AcquireBlock(size_t length, size_t* capacity);

// Returns a block to the pool (or to the system, past the pool's limit). Thread-safe: V8 frees an
// ArrayBuffer's memory on whichever thread sweeps it.
void ReleaseBlock(void* data, size_t capacity);

// Unmaps the blocks idle for at least `min_idle_ms`; returns the bytes still kept.
size_t TrimBlocks(int64_t min_idle_ms);

}  // namespace spindle

#endif  // SPINDLE_NATIVE_COPY_POOL_H_

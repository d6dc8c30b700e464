// Process-shared futex waits and wakes on a 32-bit word of shared memory.
//
// The futex calls here never use FUTEX_PRIVATE_FLAG: a private futex is keyed by (process, address) and only
// reaches threads of one process, which is why V8's Atomics.wait cannot serve a lock shared by processes. A
// shared futex on a MAP_SHARED mapping is keyed by (file, offset), so a wake from any process that maps the
// same block, at whatever address, reaches every waiter.
#ifndef SPINDLE_NATIVE_FUTEX_H_
#define SPINDLE_NATIVE_FUTEX_H_

#include <cstdint>

namespace spindle {

enum class WaitOutcome : int {
  kWoken = 0,     // woken, or spuriously returned: the caller re-checks its condition
  kNotEqual = 1,  // the word did not hold `expected` when the wait began
  kTimedOut = 2,
};

// Sleeps in the kernel while `*word == expected`, for at most `timeout_ns` nanoseconds. A signal that
// interrupts the wait (EINTR) resumes it for the time left. Returns the outcome, or -errno for an error
// that is not part of the protocol (EFAULT, EINVAL, ENOSYS) in `*error`.
WaitOutcome FutexWait(int32_t* word, int32_t expected, int64_t timeout_ns, int* error);

// Wakes up to `count` waiters on `word`. Returns how many were woken, or -errno.
int FutexWake(int32_t* word, int32_t count);

}  // namespace spindle

#endif  // SPINDLE_NATIVE_FUTEX_H_

#include "futex.h"

#include <cerrno>
#include <climits>
#include <ctime>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace spindle {

namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

// Now plus `timeout_ns` on CLOCK_MONOTONIC, the clock FUTEX_WAIT_BITSET measures deadlines on.
bool MonotonicDeadline(int64_t timeout_ns, timespec* deadline) {
  timespec now{};
  if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return false;
  int64_t ns = static_cast<int64_t>(now.tv_nsec) + timeout_ns % kNanosPerSecond;
  deadline->tv_sec = now.tv_sec + static_cast<time_t>(timeout_ns / kNanosPerSecond + ns / kNanosPerSecond);
  deadline->tv_nsec = static_cast<long>(ns % kNanosPerSecond);
  return true;
}

}  // namespace

WaitOutcome FutexWait(int32_t* word, int32_t expected, int64_t timeout_ns, int* error) {
  *error = 0;
  if (timeout_ns < 0) timeout_ns = 0;
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline (FUTEX_WAIT a relative one), so a wait
  // interrupted by a signal resumes with the same deadline instead of recomputing what is left.
  timespec deadline{};
  if (!MonotonicDeadline(timeout_ns, &deadline)) {
    *error = errno;
    return WaitOutcome::kWoken;
  }
  for (;;) {
    long rc = syscall(SYS_futex, word, FUTEX_WAIT_BITSET, expected, &deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
    if (rc == 0) return WaitOutcome::kWoken;
    switch (errno) {
      case EINTR:
        continue;
      case EAGAIN:
        return WaitOutcome::kNotEqual;
      case ETIMEDOUT:
        return WaitOutcome::kTimedOut;
      default:
        *error = errno;
        return WaitOutcome::kWoken;
    }
  }
}

int FutexWake(int32_t* word, int32_t count) {
  if (count < 1) count = 1;
  long rc = syscall(SYS_futex, word, FUTEX_WAKE, count, nullptr, nullptr, 0);
  return rc < 0 ? -errno : static_cast<int>(rc);
}

}  // namespace spindle

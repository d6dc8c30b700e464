# Spindle's native addon: POSIX shared memory and process-shared futexes (see native/addon.cc).
# Built at install by scripts/build-native.mjs; Linux only.
{
  "targets": [
    {
      "target_name": "spindle_shm",
      "sources": ["native/addon.cc", "native/copy-pool.cc", "native/futex.cc", "native/shm.cc"],
      # No -std here: Node's common.gypi picks the standard its V8 headers need (gnu++17 on Node 20, gnu++20
      # on Node 24, whose headers refuse anything older).
      "cflags_cc": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-cast-function-type"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lrt"],
      # Never unloaded: Node dlcloses an addon when the last thread that loaded it stops, which would run the
      # exit handler (unlinking the process's blocks) when a worker thread ends, and leave deleters of
      # SharedArrayBuffers still alive in other threads pointing into unmapped code.
      "ldflags": ["-Wl,-z,nodelete"]
    }
  ]
}
